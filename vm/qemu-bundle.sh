#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The files Debian's QEMU needs to run the L2 guest inside the emulated
# machine (group qemu), at the paths they have here: the binary, the shared
# libraries ldd names, the firmware the command line loads, the L2 payload.
# usage: qemu-bundle.sh OUT_DIR QEMU PAYLOAD
# OUT_DIR is rebuilt only when QEMU or PAYLOAD is newer than it.
set -eu
out=$1 qemu=$2 payload=$3

[ -x "$qemu" ] || { echo "vm: $qemu: no QEMU binary" >&2; exit 2; }
[ -f "$payload" ] || { echo "vm: $payload: no L2 payload" >&2; exit 2; }
if [ -f "$out/.ok" ] && [ "$out/.ok" -nt "$qemu" ] && [ "$out/.ok" -nt "$payload" ]; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
# copy FILE: at its own path under OUT_DIR, symlinks resolved.
copy() {
	mkdir -p "$out$(dirname "$1")"
	cp -L "$1" "$out$1"
}
copy "$qemu"
ldd "$qemu" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do copy "$lib"; done
# What -machine microvm -kernel ELF loads: qboot (as bios-microvm.bin) and
# the PVH option ROM; a missing one is an error here, not a QEMU that dies.
for f in bios-microvm.bin pvh.bin; do
	copy "/usr/share/qemu/$f"
done
mkdir -p "$out/l2"
cp "$payload" "$out/l2/l2.elf"
touch "$out/.ok"
