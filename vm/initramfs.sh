#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the emulated machine's initramfs (uncompressed newc cpio: the kernel
# unpacks it faster than a compressed one under emulation).
# usage: initramfs.sh OUT MOD_ORDER BUSYBOX HARNESS UPSTREAM_DIR|- ARGS_FILE [IN_DIR [ROOT_DIR]]
#   MOD_ORDER    the modules to load, in order, beside their .ko files
#                (KERNEL_DIR/mod/order for kvm_amd, mod/order.intel for
#                kvm_intel; from fetch.sh)
#   UPSTREAM_DIR holds the static selftests and their list (mk/upstream.mk)
#   ARGS_FILE    the harness's arguments, one per line
#   IN_DIR       copied to /in: state files to load (SOURCE.state), and the
#                flags "save" (save one), "state-only" (nothing else),
#                "beside" (no moves) and "no-harness" (the selftests alone)
#   ROOT_DIR     copied over / as it is: QEMU and the L2 payload for group
#                qemu (vm/qemu-bundle.sh)
# Module options come from vm/modules.conf, never from the kernel command line
# (busybox insmod does not read it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1 order=$2 busybox=$3 harness=$4 upstream=$5 args=$6 in=${7:-} root=${8:-}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,etc,proc,sys,tmp,mod,upstream,in}
# protection_keys reads /etc/passwd.
echo 'root:x:0:0:root:/:/bin/sh' >"$stage/etc/passwd"
[ -z "$in" ] || cp -r "$in"/. "$stage/in/"
[ -z "$root" ] || cp -a "$root"/. "$stage/"
rm -f "$stage/.ok"
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
# Debug info is of no use inside and costs unpacking time under emulation.
strip -o "$stage/xsave-abi" "$harness"
cp "$args" "$stage/args"
while read -r m; do
	cp "$(dirname "$order")/$m.ko" "$stage/mod/"
	opts=$(sed -n "s/^$m[[:space:]]\+//p" "$here/modules.conf")
	echo "$m $opts"
done <"$order" >"$stage/mod/order"
if [ "$upstream" != - ]; then
	while read -r t rest; do
		echo "$t${rest:+ $rest}"
		[ -x "$upstream/$t" ] && strip -o "$stage/upstream/$t" "$upstream/$t"
	done <"$upstream/list" >"$stage/upstream/list"
	echo "${UPSTREAM_TIMEOUT:-60}" >"$stage/upstream/timeout"
fi
chmod 755 "$stage/init" "$stage/bin/busybox" "$stage/xsave-abi"
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out"
