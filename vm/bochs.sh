#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Bochs for the Intel machine, built once from Debian trixie's source
# package and kept in the download cache: CACHE/bochs-VERSION-TAG/ holds
# bin/bochs and the BIOS images (the source package leaves Bochs's own out:
# they come from trixie's bochsbios and vgabios packages). Debian's own
# binaries do not serve on bookworm (they need glibc 2.38; sid's 3.1 also
# computes 64-bit idiv wrongly, upstream bug #668). Debian's configure
# options for the CPU, with no GUI, debugger, plugins or devices the
# machine does not use, and without the once-a-second IPS report: its
# SIGALRM handler writes the log, and deadlocks when the signal comes while
# the CPU is writing it (seen: Bochs asleep on logio_mutex for good). The
# project's patches in vm/bochs/ (each says why) go on top of Debian's.
# usage: bochs.sh CACHE   prints the folder; exit 0 built, 2 not (why on stderr)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/signals.sh"
[ $# = 1 ] || { echo "vm: usage: bochs.sh CACHE" >&2; exit 2; }
mkdir -p "$1" && cache=$(cd "$1" && pwd) || { echo "vm: cannot create $1" >&2; exit 2; }
. "$top/vm/apt.sh"
pkg=bochs
b=""	# the build folder, removed when the script ends

die() { echo "vm: bochs: $*" >&2; exit 2; }

# A signal stops the job running (apt-get, the build), removes the build
# folder, then ends the script by the signal.
stop() {
	trap '' INT TERM HUP
	if [ -n "$job" ]; then
		pkill -TERM -P "$job" 2>/dev/null
		kill -TERM "$job" 2>/dev/null
		wait "$job" 2>/dev/null
	fi
	[ -z "$b" ] || rm -rf "$b"
	die_by "$1" "$2"
}
catch_signals stop
trap '[ -z "$b" ] || rm -rf "$b"' EXIT

conf=(--with-nogui --disable-docbook --enable-x86-64 --enable-cpu-level=6
	--enable-vmx=2 --enable-avx --enable-evex --enable-amx
	--enable-protection-keys --enable-cet --enable-fpu --enable-pci
	--enable-a20-pin --enable-all-optimizations --enable-repeat-speedups
	--disable-show-ips)
# The options and the project's patches make the build: their checksum
# names the folder.
patches=$(ls "$top"/vm/bochs/*.patch 2>/dev/null)
tag=$( (echo "${conf[*]}"; cat $patches /dev/null) | sha256sum | cut -c 1-8)

# One build at a time per cache (fetch.sh takes the same lock).
exec 9>>"$cache/.lock" || die "cannot write $cache/.lock"
! command -v flock >/dev/null || apt_job flock 9 || die "cannot lock $cache/.lock"
apt_init trixie || exit 2
apt_fresh || apt_update "$cache/apt/trixie.log" || apt_lists ||
	die "no trixie package lists: $(apt_why "$cache/apt/trixie.log")"
ver=$(apt_run apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$ver" ] || die "trixie has no source package $pkg"
out=$cache/bochs-$ver-$tag
if [ -x "$out/bin/bochs" ]; then
	echo "$out"
	exit 0
fi
"$top/scripts/deps.sh" g++ make xz-utils >&2 || exit 2

src=$cache/bochs-src-$ver
mkdir -p "$src" || die "cannot create $src"
# The mirror may lack the .dsc (seen: 404) while it has both tarballs,
# which apt fetches and checks against the Sources index all the same.
cd "$src" || die "cannot enter $src"
apt_job apt-get "${apt_c[@]}" -q source --download-only "$pkg=$ver" >"$src/fetch.log" 2>&1
cd "$top" || exit 2
orig=$(ls "$src"/*.orig.tar.* 2>/dev/null | head -n 1)
deb=$(ls "$src"/*.debian.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] && [ -n "$deb" ] || die "cannot fetch the $pkg $ver source: $(apt_why "$src/fetch.log")"

b=$(mktemp -d "$cache/bochs-build.XXXXXX") || die "cannot create a build folder"
log=$cache/bochs-build.log
{
	tar -C "$b" --strip-components=1 -xf "$orig" && tar -C "$b" -xf "$deb" &&
		while read -r p; do
			case "$p" in '' | '#'*) continue ;; esac
			patch -d "$b" -p1 -s <"$b/debian/patches/$p" || exit 1
		done <"$b/debian/patches/series" &&
		for p in $patches; do patch -d "$b" -p1 -s <"$p" || exit 1; done
} >"$log" 2>&1 || die "unpacking or patching the source failed (see $log)"
build() {
	cd "$b" &&
		./configure "${conf[@]}" &&
		make -j"$(nproc)"
}
apt_job build >>"$log" 2>&1 || die "the build failed: $(grep -m 1 -E 'error:|Error [0-9]' "$log" | cut -c 1-200) (see $log)"
cd "$b" || exit 2
apt_job apt-get "${apt_c[@]}" -q download bochsbios vgabios >"$b/bios.log" 2>&1 ||
	die "cannot fetch bochsbios and vgabios: $(apt_why "$b/bios.log")"
for d in "$b"/bochsbios_*.deb "$b"/vgabios_*.deb; do
	apt_job dpkg -x "$d" "$b/roms" || die "dpkg -x $(basename "$d") failed"
done
cd "$top" || exit 2
rm -rf "$out.tmp" && mkdir -p "$out.tmp/bin" && cp "$b/bochs" "$out.tmp/bin/" &&
	cp "$b/roms/usr/share/bochs/BIOS-bochs-latest" \
		"$b/roms/usr/share/vgabios/vgabios.bin" "$out.tmp/" &&
	rm -rf "$out" && mv "$out.tmp" "$out" || die "cannot install into $out"
echo "$out"
