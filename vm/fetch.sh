#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch what the emulated machine boots, into a cache folder, and print where
# it is. Debian packages are resolved and downloaded through the project's
# own apt configuration in CACHE/apt (vm/apt.sh), each series from its own
# suites: the system's sources stay as they are, nothing is installed, and
# it works as root or as any user who can write CACHE.
#
#   fetch.sh CACHE kernel SERIES   prints the folder holding vmlinuz, mod/
#                                  (the kvm_amd and kvm_intel module closures,
#                                  uncompressed, in load order in mod/order
#                                  and mod/order.intel), release
#                                  (uname -r) and series (X.Y)
#   fetch.sh CACHE source SERIES   prints the path of linux-source-X.Y.tar.xz,
#                                  /usr/src's when installed
#   fetch.sh CACHE busybox         prints the path of a static busybox
#
#   SERIES 5.10    linux-image-5.10.0-N-amd64-unsigned (bullseye, -security)
#          6.1     linux-image-6.1.0-N-amd64-unsigned (bookworm, -security)
#          6.12    linux-image-6.12.N+deb12-amd64-unsigned (bookworm-security)
#          latest  the newest linux-image-X.Y.N+debNN-amd64 in sid, with the
#                  linux-binary (vmlinuz), linux-modules and linux-base
#                  packages it depends on
#          X.Y     that series in sid: what latest resolves to, e.g. 7.2
# The newest matching package is used. The lists are refreshed (apt-get
# update) when missing, older than a day, or when a package they name can
# no longer be downloaded; an unreachable archive falls back to the newest
# cached build with a warning. What cannot be had exits 2 with one line on
# stderr saying which series and why. Progress goes to stderr only when it
# is a terminal.
# With $XSAVE_ABI_OFFLINE set, neither apt-cache nor apt-get runs: the
# newest cached build is used, and none is an error (tests give a made-up
# cache: NAME/.ok, and vmlinuz, mod/order, mod/*.ko or busybox).
# A signal removes an unfinished download, and the script dies by it.
set -u
# An unfinished download or build folder goes with the failure.
die() {
	[ -z "${dl:-}" ] || rm -rf "$dl"
	echo "vm: $*" >&2
	exit 2
}

usage="usage: fetch.sh CACHE kernel SERIES, fetch.sh CACHE source SERIES or fetch.sh CACHE busybox (SERIES: 5.10, 6.1, 6.12, latest or the X.Y latest is)"
[ $# -ge 2 ] || die "$usage"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/signals.sh
. "$here/../scripts/signals.sh"
# shellcheck source=vm/apt.sh
. "$here/apt.sh"
cache=$1
mkdir -p "$cache" && cache=$(cd "$cache" && pwd) || die "cannot create $1"
what=$2

# Warnings are printed once the item is there: a failure prints one line.
warnings=()
warn() { warnings+=("vm: warning: $*"); }
note() { [ ! -t 2 ] || echo "vm: $*" >&2; }
flush() { [ ${#warnings[@]} = 0 ] || printf '%s\n' "${warnings[@]}" >&2; }

# A signal stops the job running (apt-get, dpkg -x), removes the unfinished
# download or build folder, then ends the script by the signal.
dl=""
stop() {
	trap '' INT TERM HUP
	if [ -n "$job" ]; then
		kill -TERM "$job" 2>/dev/null
		wait "$job" 2>/dev/null
	fi
	[ -z "$dl" ] || rm -rf "$dl"
	die_by "$1" "$2"
}
catch_signals stop

# One fetch.sh at a time per cache: they share apt's lists and the builds.
# Under the lock, a download folder left over is from a killed run.
lock() {
	exec 9>>"$cache/.lock" || die "cannot write $cache/.lock"
	if command -v flock >/dev/null; then
		apt_job flock 9 || die "cannot lock $cache/.lock"
	fi
	rm -rf "$cache"/.dl.*
}

# series SERIES: the apt set (aset) and the image name pattern (pat), and
# the series' name in messages (label).
series() {
	label=$1
	case "$1" in
	5.10) aset=bullseye pat='^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$' ;;
	6.1) aset=bookworm pat='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) aset=bookworm pat='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	latest) aset=sid pat=$sid_pat ;;
	*)
		[[ $1 =~ ^[0-9]+\.[0-9]+$ ]] ||
			die "unknown kernel series '$1' (known: 5.10, 6.1, 6.12, latest or the X.Y latest is)"
		aset=sid pat="^linux-image-${1//./\\.}\\.[0-9]+\\+deb[0-9]+-amd64\$"
		;;
	esac
}
# sid's kernels: signed, no -unsigned variant; not -rt, -cloud, -dbg.
sid_pat='^linux-image-[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64$'

# series_of NAME: the X.Y of a kernel package (or folder) name.
series_of() {
	echo "$1" | sed -E 's/^linux-image-([0-9]+\.[0-9]+)[.-].*/\1/'
}

# shown PAT: a name pattern for people: linux-image-6.1.0-N-amd64-unsigned.
shown() {
	echo "$1" | sed -e 's/\[0-9\]+/N/g' -e 's/\\//g' -e 's/^^//' -e 's/\$$//'
}

# cached PAT [NAME]: cached builds matching PAT other than NAME, newest first.
cached() {
	local d
	for d in "$cache"/*/.ok; do
		[ -e "$d" ] || continue
		d=$(basename "$(dirname "$d")")
		[ "$d" != "${2:-}" ] && echo "$d" | grep -Eq "$1" && echo "$d"
	done | sort -rV
}

# update: apt-get update of the set, once per call. On failure upd_why
# says why; stale lists, if any, stay in use.
updated=0 upd_why=""
update() {
	[ "$updated" = 0 ] || return 1
	updated=1
	note "refreshing the package lists of $(apt_names "$aset") (apt-get update)"
	if apt_update "$apt_dir/update.log"; then
		note "apt-get update of $(apt_names "$aset") took $apt_ms ms"
		return 0
	fi
	upd_why="apt-get update of $(apt_names "$aset") failed: $(apt_why "$apt_dir/update.log")"
	apt_lists && warn "$upd_why; using the lists of $(date -r "$apt_dir/updated" '+%F %R')"
	return 1
}

# lists: the set's lists, updated when missing or a day old.
lists() {
	apt_init "$aset" || exit 2
	apt_fresh || update || true
}

# newest PAT: the newest package of the set whose name matches PAT.
newest() {
	apt_run apt-cache search --names-only "$1" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n 1
}

# download DIR PKG...: every PKG unpacked (dpkg -x) into DIR/root, the .debs
# removed; DIR stays in dl until it is complete. On failure, why says why.
download() {
	local dir=$1 deb rc
	shift
	dl=$(mktemp -d "$cache/.dl.XXXXXX") || die "cannot create a download folder in $cache"
	# It becomes the build's folder: the umask's mode, not mktemp's 0700.
	chmod "$(printf '%o' $((0777 & ~$(umask))))" "$dl"
	note "downloading $*"
	# apt-get download writes to the working folder; a subshell would hide
	# the job from stop.
	cd "$dl" || die "cannot enter $dl"
	apt_job apt-get "${apt_c[@]}" -q download "$@" >"$dl/log" 2>&1
	rc=$?
	cd "$cache" || die "cannot enter $cache"
	if [ "$rc" != 0 ]; then
		why="apt-get download $* failed: $(apt_why "$dl/log")"
		rm -rf "$dl"
		dl=""
		return 1
	fi
	for deb in "$dl"/*.deb; do
		apt_job dpkg -x "$deb" "$dl/root" || { why="dpkg -x $(basename "$deb") failed"; rm -rf "$dl"; dl=""; return 1; }
		rm -f "$deb"
	done
	rm -f "$dl/log"
	rm -rf "$dir"
	mv "$dl" "$dir" || die "cannot move a download to $dir"
	dl=$dir
}

# parts NAME: NAME and the packages of the same release it depends on (sid
# splits a kernel into linux-image, empty, linux-binary with vmlinuz,
# linux-modules, and linux-base with modules.builtin).
parts() {
	local rel=${1#linux-image-}
	rel=${rel%-unsigned}
	echo "$1"
	apt_run apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$1" 2>/dev/null | sed -n 's/^ *|\?\(Pre\)\?Depends: //p' |
		grep -Fx -e "linux-binary-$rel" -e "linux-modules-$rel" -e "linux-base-$rel" | sort -u
}

# A kernel's modules folder: lib/modules/RELEASE or usr/lib/modules/RELEASE.
moddir() {
	local m
	for m in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$m/kernel" ] && echo "$m" && return 0
	done
	return 1
}

# unsign DIR: each DIR/*.ko without the signature Debian appends (SIG,
# struct module_signature's 12 bytes, "~Module signature appended~\n").
# Debian's kernels check signatures without enforcing them, and the check
# cost the emulated Intel CPU 5 s of a 6.12 boot's 9.5 s of module loading.
unsign() {
	local f len
	for f in "$1"/*.ko; do
		[ -f "$f" ] && [ "$(tail -c 28 "$f")" = "~Module signature appended~" ] || continue
		len=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 |
			awk '{ print ((($1 * 256 + $2) * 256 + $3) * 256) + $4 }')
		truncate -s $(($(stat -c %s "$f") - 40 - len)) "$f" || return 1
	done
	touch "$1/.unsigned"
}

# get_kernel NAME: the cached build NAME, or download and prepare it: keep
# vmlinuz and the kvm-amd and kvm-intel module closures, uncompressed
# (busybox insmod takes neither .ko.xz nor .ko.zst) and unsigned, in load
# order. A build cached before the Intel machine (no mod/order.intel) is
# fetched again. On failure, why says why.
get_kernel() {
	local dir=$cache/$1 m kver vendor list
	if [ -f "$dir/.ok" ] && [ -f "$dir/mod/order.intel" ]; then
		[ -f "$dir/mod/.unsigned" ] || unsign "$dir/mod" ||
			die "kernel $label: $1: cannot take the signatures off its modules"
		return 0
	fi
	rm -f "$dir/.ok"
	# shellcheck disable=SC2046
	download "$dir" $(parts "$1") || return 1
	m=$(moddir "$dir/root") || die "kernel $label: $1: the package holds no lib/modules/RELEASE/kernel"
	kver=$(basename "$m")
	cp "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinuz" 2>/dev/null || cp "$m/vmlinuz" "$dir/vmlinuz" 2>/dev/null ||
		die "kernel $label: $1: no boot/vmlinuz-$kver nor $m/vmlinuz in the packages"
	mkdir -p "$dir/mod"
	for vendor in amd intel; do
		list=order.$vendor
		[ "$vendor" = intel ] || list=order
		: >"$dir/mod/$list"
		if ! grep -q "/kvm-$vendor\.ko" "$m/modules.builtin" 2>/dev/null &&
			! "$here/modclosure.sh" "$m" "kvm_$vendor" "$dir/mod" "$list" 2>"$dir/log"; then
			die "kernel $label: $1: cannot gather kvm_$vendor and its dependencies: $(tail -n 1 "$dir/log")"
		fi
	done
	unsign "$dir/mod" || die "kernel $label: $1: cannot take the signatures off its modules"
	echo "$kver" >"$dir/release"
	rm -rf "$dir/root" "$dir/log"
	touch "$dir/.ok"
	dl=""
}

# find_source: the set's candidate of linux-source-X.Y as its cache folder
# name, PACKAGE_VERSION (the version's colon, if any, as %3a, as in .deb
# names).
find_source() {
	local v
	v=$(apt_run apt-cache policy "$src" 2>/dev/null | sed -n 's/^  Candidate: //p')
	[ -n "$v" ] && [ "$v" != "(none)" ] && echo "${src}_${v//:/%3a}"
}

# get_source NAME: the cached tarball NAME, or download it.
get_source() {
	local dir=$cache/$1 v=${1#*_}
	[ -f "$dir/.ok" ] && return 0
	download "$dir" "$src=${v//%3a/:}" || return 1
	mv "$dir/root/usr/src/$src.tar.xz" "$dir/" 2>/dev/null ||
		die "source $label: $1 holds no usr/src/$src.tar.xz"
	rm -rf "$dir/root"
	touch "$dir/.ok"
	dl=""
}

# get_plain NAME: a package unpacked into NAME/root.
get_plain() {
	[ -f "$cache/$1/.ok" ] || download "$cache/$1" "$1"
}

# obtain WHAT FIND GET CPAT: name, the build of WHAT ($want, for messages):
# FIND names the newest in the lists, GET fetches it (cached already, or
# downloaded), CPAT matches the cached builds to fall back on. Exits 2 when
# none can be had.
obtain() {
	local what=$1 find=$2 get=$3 cpat=$4 old why=""
	if [ -n "${XSAVE_ABI_OFFLINE:-}" ]; then
		name=$(cached "$cpat" | head -n 1)
		[ -n "$name" ] || die "$what: XSAVE_ABI_OFFLINE is set and $cache holds no $want"
		return
	fi
	lists
	name=$($find)
	old=$(cached "$cpat" "$name" | head -n 1)
	if [ -z "$name" ]; then
		why=${upd_why:-no $want in $(apt_names "$aset")}
		[ -n "$old" ] || die "$what: $why$(hint)"
		warn "$what: $why; using cached $old"
		name=$old
		return
	fi
	$get "$name" && return
	# The archive moved on since the lists were fetched: newer lists name a
	# build it has.
	if update && name=$($find) && [ -n "$name" ] && $get "$name"; then
		return
	fi
	why="$why${upd_why:+ ($upd_why)}"
	[ -n "$old" ] || die "$what: $why; nothing cached"
	warn "$what: $why; using cached $old"
	name=$old
}

# hint: for an X.Y series sid lacks, which series sid has.
hint() {
	local l
	[ "$aset" = sid ] && [ "$label" != latest ] && l=$(newest "$sid_pat") && [ -n "$l" ] &&
		echo " (sid's latest series is $(series_of "$l"))"
}

find_kernel() { newest "$pat"; }
find_busybox() { newest '^busybox-static$'; }

kernel() {
	local dir rel
	series "$1"
	want=$(shown "$pat")
	obtain "kernel $label" find_kernel get_kernel "$pat"
	dir=$cache/$name
	series_of "$name" >"$dir/series"
	# A made-up or older cache may lack release: Debian's image names hold it.
	[ -s "$dir/release" ] || { rel=${name#linux-image-}; echo "${rel%-unsigned}" >"$dir/release"; }
	# Older builds of this series are no longer needed.
	cached "$pat" "$name" | while read -r o; do rm -rf "${cache:?}/$o"; done
	flush
	echo "$dir"
}

# The kernel series latest stands for now; offline, the newest cached one.
latest_series() {
	local n
	if [ -n "${XSAVE_ABI_OFFLINE:-}" ]; then
		n=$(cached "$sid_pat" | head -n 1)
		[ -n "$n" ] || die "source latest: XSAVE_ABI_OFFLINE is set and $cache holds no latest kernel to name its series"
	else
		lists
		n=$(newest "$sid_pat")
		[ -n "$n" ] || die "source latest: ${upd_why:-no $(shown "$sid_pat") in sid}"
	fi
	series_of "$n"
}

source_tree() {
	local x=$1 cpat
	series "$1"
	[ "$x" != latest ] || x=$(latest_series) || exit 2
	src=linux-source-$x
	if [ -f "/usr/src/$src.tar.xz" ]; then
		echo "/usr/src/$src.tar.xz"
		return
	fi
	cpat="^${src//./\\.}_"
	want=$src
	obtain "source $label" find_source get_source "$cpat"
	cached "$cpat" "$name" | while read -r o; do rm -rf "${cache:?}/$o"; done
	flush
	echo "$cache/$name/$src.tar.xz"
}

busybox() {
	local dir
	aset=bookworm label=busybox want=busybox-static
	obtain busybox find_busybox get_plain '^busybox-static$'
	dir=$cache/$name
	if [ ! -f "$dir/.ok" ]; then
		cp "$dir/root/bin/busybox" "$dir/busybox" || die "busybox: busybox-static ships no bin/busybox"
		rm -rf "$dir/root"
		touch "$dir/.ok"
	fi
	dl=""
	flush
	echo "$dir/busybox"
}

case "$what" in
kernel | source)
	[ -n "${3:-}" ] || die "fetch.sh: $what needs a SERIES: 5.10, 6.1, 6.12, latest or the X.Y latest is"
	lock
	if [ "$what" = kernel ]; then kernel "$3"; else source_tree "$3"; fi
	;;
busybox)
	lock
	busybox
	;;
*) die "fetch.sh: unknown item '$what'; $usage" ;;
esac
