#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The uncompressed ELF kernel inside a bzImage, when it has a PVH entry
# (XEN_ELFNOTE_PHYS32_ENTRY, Debian's kernels do): QEMU boots it directly
# with -kernel, and the emulated CPU is spared decompressing the kernel
# (measured: 5.10's LZMA image 4.0 s to its first line, the ELF 0.4 s).
# usage: vmlinux.sh BZIMAGE OUT   exit 0 OUT written, 1 none found
set -u
[ $# = 2 ] || { echo "vm: usage: vmlinux.sh BZIMAGE OUT" >&2; exit 2; }
in=$1 out=$2
tmp=$out.tmp-$$
trap 'rm -f "$tmp"' EXIT

pvh() { readelf -n "$1" 2>/dev/null | grep -qF '(0x00000012)'; }

# try MAGIC DECOMPRESSOR...: the payload at each place MAGIC occurs (the
# first few), decompressed; a stream's trailing bytes make the tool
# complain, which does not matter when an ELF with a PVH entry came out.
try() {
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" | head -n 4 | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null
		pvh "$tmp" && mv -f "$tmp" "$out" && return 0
	done
	return 1
}

pvh "$in" && cp "$in" "$out" && exit 0
try '\x28\xb5\x2f\xfd' zstd -dcq || try '\xfd\x37\x7a\x58\x5a\x00' xz -dcq ||
	try '\x5d\x00\x00\x00' xz --format=lzma -dcq || try '\x1f\x8b\x08' gzip -dcq
