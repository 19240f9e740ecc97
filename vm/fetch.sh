#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch what the emulated machine boots, into a cache folder, and print where
# it is. Package names are resolved with apt-cache on every call, so a newer
# Debian build replaces the cached one; an unreachable archive falls back to
# the cached build with a warning.
#
#   fetch.sh CACHE kernel SERIES   SERIES 6.12 or 6.1: prints the folder
#                                  holding vmlinuz and mod/ (modules, in
#                                  load order in mod/order)
#   fetch.sh CACHE busybox         prints the path of a static busybox
# With $XSAVE_ABI_OFFLINE set, neither apt-cache nor apt-get runs: the
# newest cached build is used, and none is an error (tests give a made-up
# cache: NAME/.ok, and vmlinuz, mod/order, mod/*.ko or busybox).
# A signal removes an unfinished download.
set -u
die() { echo "vm: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: fetch.sh CACHE kernel SERIES, or fetch.sh CACHE busybox"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/signals.sh"
cache=$1
mkdir -p "$cache" && cache=$(cd "$cache" && pwd) || die "cannot create $1"
what=$2

# A signal during a download removes it, then ends the (sub)shell by the
# signal. Set where the download starts: command substitutions reset traps.
dl=""
stop() {
	rm -rf "$dl"
	die_by "$1" "$2"
}
catch() {
	catch_signals stop
}

pattern() {
	case "$1" in
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	busybox) echo '^busybox-static$' ;;
	*) die "unknown kernel '$1' (known: 6.12, 6.1)" ;;
	esac
}

newest() {
	apt-cache search --names-only "$1" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n 1
}

# Refresh the package lists once per call, as root (a fresh machine's lists
# may be empty, an old machine's name builds the archive no longer has).
refreshed=0
refresh() {
	[ "$refreshed" = 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
	refreshed=1
	echo "vm: refreshing the package lists (apt-get update)" >&2
	apt-get update -q >&2 || true
}

# The newest package matching a pattern.
resolve() {
	local name
	name=$(newest "$1")
	[ -n "$name" ] || ! refresh || name=$(newest "$1")
	echo "$name"
}

# Download and unpack one package into $cache/NAME/root; the .deb goes.
unpack() {
	local name=$1 dir=$cache/$1 tmp
	[ -f "$dir/.ok" ] && return 0
	command -v apt-get >/dev/null || die "apt-get not found: --vm downloads Debian packages"
	catch
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	tmp=$dl
	echo "vm: downloading $name" >&2
	if ! (cd "$tmp" && apt-get download -q "$name" >&2 2>"$tmp/log"); then
		cat "$tmp/log" >&2
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg -x "$tmp"/*.deb "$dir/root" || { rm -rf "$tmp" "$dir"; die "dpkg -x $name failed"; }
	rm -rf "$tmp"
	dl=""
}

# Cached builds of the same series other than NAME, newest first.
cached_others() {
	local pat=$1 name=$2 d
	for d in "$cache"/*/.ok; do
		[ -e "$d" ] || continue
		d=$(basename "$(dirname "$d")")
		[ "$d" != "$name" ] && echo "$d" | grep -Eq "$pat" && echo "$d"
	done | sort -rV
}

fetch() {
	local pat name old
	pat=$(pattern "$1")
	if [ -n "${XSAVE_ABI_OFFLINE:-}" ]; then
		name=$(cached_others "$pat" - | head -n 1)
		[ -n "$name" ] || die "XSAVE_ABI_OFFLINE is set and $cache holds no build matching $pat"
		echo "$name"
		return
	fi
	name=$(resolve "$pat")
	old=$(cached_others "$pat" "${name:-none}" | head -n 1)
	if [ -z "$name" ]; then
		[ -n "$old" ] || die "no Debian package matches $pat (apt-cache search; run apt-get update as root)"
		echo "vm: warning: apt-cache knows no $1 package; using cached $old" >&2
		name=$old
	elif ! unpack "$name" && ! { refresh && name=$(resolve "$pat") && unpack "$name"; }; then
		[ -n "$old" ] || die "apt-get download $name failed and nothing is cached"
		echo "vm: warning: apt-get download $name failed; using cached $old" >&2
		name=$old
	fi
	echo "$name"
}

# Keep vmlinuz and the kvm-amd module closure, uncompressed (busybox insmod
# takes neither .ko.xz nor .ko.zst), in load order.
prepare_kernel() {
	local dir=$1 root=$1/root kver
	[ -f "$dir/.ok" ] && return 0
	kver=$(ls "$root/lib/modules" | head -n 1)
	[ -n "$kver" ] || die "$dir: no lib/modules in the package"
	cp "$root/boot/vmlinuz-$kver" "$dir/vmlinuz" || die "$dir: no boot/vmlinuz-$kver"
	mkdir -p "$dir/mod"
	: >"$dir/mod/order"
	"$here/modclosure.sh" "$root/lib/modules/$kver" kvm_amd "$dir/mod" ||
		die "$dir: cannot resolve the modules kvm_amd needs"
	echo "$kver" >"$dir/release"
	rm -rf "$root"
	touch "$dir/.ok"
}

case "$what" in
kernel)
	series=${3:-}
	[ -n "$series" ] || die "fetch.sh: kernel needs a SERIES: 6.12 or 6.1"
	name=$(fetch "$series") || exit 2
	prepare_kernel "$cache/$name"
	# Older builds of this series are no longer needed.
	cached_others "$(pattern "$series")" "$name" | while read -r o; do rm -rf "${cache:?}/$o"; done
	echo "$cache/$name"
	;;
busybox)
	name=$(fetch busybox) || exit 2
	dir=$cache/$name
	if [ ! -f "$dir/.ok" ]; then
		cp "$dir/root/bin/busybox" "$dir/busybox" || die "busybox-static ships no bin/busybox"
		rm -rf "$dir/root"
		touch "$dir/.ok"
	fi
	echo "$dir/busybox"
	;;
*) die "fetch.sh: unknown item '$what'" ;;
esac
