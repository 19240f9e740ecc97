#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Extract from a kernel source tree (a directory or a linux-source tarball)
# only what libkvm-selftests and the pkey mm selftests need, then generate
# the tree's own UAPI headers.
# usage: ktree.sh SRC DEST [DEBIAN-PACKAGE-THAT-SHIPS-SRC]
set -eu
src=$1
dest=$2
pkg=${3:-}

if [ ! -e "$src" ] && [ -n "$pkg" ]; then
	"$(dirname "$0")/deps.sh" "$pkg"
fi

# mm/ is vm/ before 6.3; the mm Makefile probes the compiler with the x86
# folder's check_cc.sh before it defines the pkey tests' 64-bit rules.
paths="Makefile scripts include/uapi arch/x86/Makefile arch/x86/Makefile_32.cpu
arch/x86/Makefile.um arch/x86/include/uapi arch/x86/entry/syscalls arch/x86/tools
tools/include tools/arch/x86/include tools/lib/rbtree.c tools/build/Build.include
tools/testing/selftests/lib.mk tools/testing/selftests/kselftest.h
tools/testing/selftests/kselftest_harness.h tools/testing/selftests/kvm
tools/testing/selftests/mm tools/testing/selftests/vm
tools/testing/selftests/x86/check_cc.sh tools/testing/selftests/x86/trivial_program.c
tools/testing/selftests/x86/trivial_32bit_program.c
tools/testing/selftests/x86/trivial_64bit_program.c"

rm -rf "$dest"
mkdir -p "$dest"
if [ -d "$src" ]; then
	[ -d "$src/tools/testing/selftests/kvm/lib" ] || {
		echo "ktree: $src is not a kernel source tree (no tools/testing/selftests/kvm/lib)" >&2
		exit 1
	}
	list=""
	for p in $paths; do [ -e "$src/$p" ] && list="$list $p"; done
	# shellcheck disable=SC2086
	tar -C "$src" -cf - $list | tar -C "$dest" -xf -
else
	[ -f "$src" ] || { echo "ktree: $src: no such file or directory" >&2; exit 1; }
	top=$(tar -tf "$src" 2>/dev/null | head -n 1 | cut -d/ -f1)
	[ -n "$top" ] || { echo "ktree: $src: not a readable tar archive" >&2; exit 1; }
	members=""
	for p in $paths; do members="$members $top/$p"; done
	# Optional members (Makefile_32.cpu, mm or vm) may be absent: the check below
	# decides whether what came out is usable.
	# shellcheck disable=SC2086
	tar -C "$dest" -xf "$src" --strip-components=1 $members 2>/dev/null || true
fi
[ -d "$dest/tools/testing/selftests/kvm/lib" ] || {
	echo "ktree: $src holds no tools/testing/selftests/kvm/lib" >&2
	exit 1
}

# The library must be built against the tree's own UAPI, not the system's.
# Our own make variables (O=, KSRC=) must not reach the kernel's Makefile.
env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u MAKELEVEL -u O -u KSRC \
	make -s -C "$dest" headers >"$dest/.headers.log" 2>&1 || {
	echo "ktree: 'make headers' failed in $dest; last lines:" >&2
	tail -n 20 "$dest/.headers.log" >&2
	exit 1
}
ver=$(sed -n 's/^VERSION = //p' "$dest/Makefile")
lvl=$(sed -n 's/^PATCHLEVEL = //p' "$dest/Makefile")
echo "$ver.$lvl" >"$dest/.kversion"
