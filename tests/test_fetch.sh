#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm/fetch.sh without the network. First with $XSAVE_ABI_OFFLINE and a
# made-up cache: which cached build each series resolves to, and that no
# apt command runs. Then with fake apt-get and apt-cache first in PATH (and
# small .debs made here): lists refreshed when missing or a day old, a
# package the archive no longer has, an unreachable archive, sid's kernel
# split into several packages, linux-source, the one-line reasons of exit
# 2, and a signal during a download.
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
t_name=test_fetch
. "$(dirname "$0")/check.sh"

d=$tmp/fetch
rm -rf "$d"
mkdir -p "$d/bin" "$d/debs"
fetch=$top/vm/fetch.sh

# The fakes log each call in $d/calls. apt-cache knows the names in
# $d/names, linux-source-X.Y at the version in $d/srcver.X.Y, and the
# dependencies in $d/deps.NAME; apt-get update takes $d/names.next as the
# new names, or fails like an unreachable archive when $d/unreachable
# exists; apt-get download copies $d/debs/NAME.deb, or fails like a pool
# without it, or hangs when $d/hang exists.
cat >"$d/bin/apt-cache" <<EOF
#!/bin/bash
shift 2
echo "apt-cache \$*" >>"$d/calls"
case "\$1" in
search) grep -E "\$3" "$d/names" | sed 's/\$/ - fake/' ;;
depends) [ ! -f "$d/deps.\${!#}" ] || sed 's/^/  Depends: /' "$d/deps.\${!#}" ;;
policy) echo "\$2:"; echo "  Candidate: \$(cat "$d/srcver.\${2#linux-source-}" 2>/dev/null || echo '(none)')" ;;
esac
EOF
cat >"$d/bin/apt-get" <<EOF
#!/bin/bash
conf=\$2
shift 2
echo "apt-get \$*" >>"$d/calls"
case "\$2" in
update)
	if [ -f "$d/unreachable" ]; then
		echo "Err:1 http://deb.debian.org/debian sid InRelease"
		echo "  Could not connect to deb.debian.org:80"
		echo "W: Failed to fetch http://deb.debian.org/debian/dists/sid/InRelease  Could not connect to deb.debian.org:80" >&2
		exit 0
	fi
	lists=\$(sed -n 's/^Dir::State::Lists "\(.*\)";\$/\1/p' "\$conf")
	touch "\$lists/fake_Packages"
	[ ! -f "$d/names.next" ] || mv "$d/names.next" "$d/names"
	;;
download)
	shift 2
	for p in "\$@"; do
		p=\${p%%=*}
		if [ -f "$d/hang" ]; then
			echo "\$\$" >"$d/hang.pid"
			: >"\$p.deb.partial"
			exec sleep 30
		fi
		[ -f "$d/debs/\$p.deb" ] || { echo "E: Failed to fetch http://deb.debian.org/debian/pool/main/l/\$p.deb  404  Not Found" >&2; exit 100; }
		cp "$d/debs/\$p.deb" .
	done
	;;
esac
EOF
chmod +x "$d/bin/apt-get" "$d/bin/apt-cache"

# deb NAME DIR: $d/debs/NAME.deb holding DIR's files.
deb() {
	mkdir -p "$2/DEBIAN"
	printf 'Package: %s\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\n' \
		"$1" >"$2/DEBIAN/control"
	dpkg-deb -Zgzip -b "$2" "$d/debs/$1.deb" >/dev/null
}

# ko NAME DEPENDS: a module file modinfo reads, on stdout.
ko() {
	printf 'depends=%s\0name=%s\0' "$2" "$1" >"$d/modinfo"
	echo | gcc -x c -c -o "$d/empty.o" - &&
		objcopy --add-section .modinfo="$d/modinfo" "$d/empty.o" "$d/$1.ko" && cat "$d/$1.ko"
}

# run ARGS...: fetch.sh ARGS with the fakes; out, err and rc.
run() {
	PATH=$d/bin:$PATH "$fetch" "$@" >"$d/out" 2>"$d/err"
	rc=$?
	out=$(cat "$d/out")
	err=$(cat "$d/err")
}
# one_line: stderr is one line, vm: and a reason.
one_line() { [ "$(wc -l <"$d/err")" = 1 ] && grep -q '^vm: ' "$d/err"; }
called() { grep -qF -- "$1" "$d/calls" 2>/dev/null; }

# Offline: a made-up cache, newest build per series, variants left out.
c=$d/offline
for k in linux-image-5.10.0-9-amd64-unsigned linux-image-5.10.0-10-amd64-unsigned \
	linux-image-6.1.0-57-amd64-unsigned linux-image-6.1.0-58-rt-amd64-unsigned \
	linux-image-6.12.118+deb12-amd64-unsigned linux-image-6.12.120+deb12-cloud-amd64-unsigned \
	linux-image-7.1.5+deb14-amd64 linux-image-7.2.3+deb14-amd64 linux-image-7.2.9+deb14-rt-amd64 \
	linux-image-7.10.1+deb14-amd64-dbg; do
	mkdir -p "$c/$k/mod"
	: >"$c/$k/vmlinuz"
	: >"$c/$k/mod/order"
	: >"$c/$k/mod/order.intel"
	touch "$c/$k/.ok"
done
mkdir -p "$c/linux-source-7.2_7.2.3-1" "$c/busybox-static"
: >"$c/linux-source-7.2_7.2.3-1/linux-source-7.2.tar.xz"
: >"$c/busybox-static/busybox"
touch "$c/linux-source-7.2_7.2.3-1/.ok" "$c/busybox-static/.ok"
rm -f "$d/calls"
export XSAVE_ABI_OFFLINE=1
# SERIES:BUILD:RELEASE:X.Y; latest removes 7.1, so 7.1 comes first.
for s in 5.10:linux-image-5.10.0-10-amd64-unsigned:5.10.0-10-amd64:5.10 \
	6.1:linux-image-6.1.0-57-amd64-unsigned:6.1.0-57-amd64:6.1 \
	6.12:linux-image-6.12.118+deb12-amd64-unsigned:6.12.118+deb12-amd64:6.12 \
	7.1:linux-image-7.1.5+deb14-amd64:7.1.5+deb14-amd64:7.1 \
	7.2:linux-image-7.2.3+deb14-amd64:7.2.3+deb14-amd64:7.2 \
	latest:linux-image-7.2.3+deb14-amd64:7.2.3+deb14-amd64:7.2; do
	IFS=: read -r series want rel x <<<"$s"
	run "$c" kernel "$series"
	check "offline: kernel $series is $want (exit $rc: $out $err)" \
		'[ $rc = 0 ] && [ "$out" = "$c/$want" ] && [ -z "$err" ]'
	check "offline: kernel $series: release $rel, series $x ($(cat "$c/$want/release" "$c/$want/series" 2>/dev/null | paste -sd ' '))" \
		'[ "$(cat "$c/$want/release")" = "$rel" ] && [ "$(cat "$c/$want/series")" = "$x" ]'
done
check "offline: older builds of a series removed, other variants kept ($(ls "$c" | paste -sd ' '))" \
	'[ ! -e "$c/linux-image-5.10.0-9-amd64-unsigned" ] && [ ! -e "$c/linux-image-7.1.5+deb14-amd64" ] &&
	 [ -e "$c/linux-image-6.1.0-58-rt-amd64-unsigned" ] && [ -e "$c/linux-image-7.2.9+deb14-rt-amd64" ]'
run "$c" busybox
check "offline: busybox ($out $err)" '[ $rc = 0 ] && [ "$out" = "$c/busybox-static/busybox" ]'
run "$c" source latest
if [ -f /usr/src/linux-source-7.2.tar.xz ]; then
	check "offline: source latest is /usr/src's ($out $err)" '[ "$out" = /usr/src/linux-source-7.2.tar.xz ]'
else
	check "offline: source latest is the cached 7.2 tree ($out $err)" \
		'[ $rc = 0 ] && [ "$out" = "$c/linux-source-7.2_7.2.3-1/linux-source-7.2.tar.xz" ]'
fi
run "$c" kernel 7.3
check "offline: a series not cached: exit 2, one line ($rc: $err)" \
	'[ $rc = 2 ] && one_line && grep -qF "kernel 7.3: XSAVE_ABI_OFFLINE is set and $c holds no linux-image-7.3.N+debN-amd64" "$d/err"'
for s in bogus 7 6.1.0; do
	run "$c" kernel "$s"
	check "kernel $s: exit 2, one line ($rc: $err)" \
		'[ $rc = 2 ] && one_line && grep -qF "unknown kernel series '"'$s'"'" "$d/err"'
done
run "$c"
check "no item: exit 2, usage ($rc: $err)" '[ $rc = 2 ] && one_line && grep -q "^vm: usage: fetch.sh CACHE kernel SERIES" "$d/err"'
check "offline: no apt command ran ($(head -n 1 "$d/calls" 2>/dev/null))" '[ ! -e "$d/calls" ]'
unset XSAVE_ABI_OFFLINE

# Online, through the fakes.
c=$d/online
r=$d/r
mkdir -p "$r/boot" "$r/lib/modules/6.1.0-58-amd64/kernel"
: >"$r/boot/vmlinuz-6.1.0-58-amd64"
printf '%s\n' kernel/arch/x86/kvm/kvm-amd.ko kernel/arch/x86/kvm/kvm-intel.ko >"$r/lib/modules/6.1.0-58-amd64/modules.builtin"
deb linux-image-6.1.0-58-amd64-unsigned "$r"
rm -rf "$r"
echo linux-image-6.1.0-58-amd64-unsigned >"$d/names"
: >"$d/calls"
run "$c" kernel 6.1
k=$c/linux-image-6.1.0-58-amd64-unsigned
check "lists missing: updated, then downloaded ($rc: $out $err)" \
	'[ $rc = 0 ] && [ "$out" = "$k" ] && [ -z "$err" ] && called "apt-get -q update" &&
	 called "apt-get -q download linux-image-6.1.0-58-amd64-unsigned"'
check "kvm_amd and kvm_intel built in: vmlinuz, empty mod/order and mod/order.intel, release 6.1.0-58-amd64, series 6.1" \
	'[ -f "$k/vmlinuz" ] && [ ! -s "$k/mod/order" ] && [ -f "$k/mod/order.intel" ] && [ ! -s "$k/mod/order.intel" ] && [ ! -e "$k/root" ] &&
	 [ "$(cat "$k/release")" = 6.1.0-58-amd64 ] && [ "$(cat "$k/series")" = 6.1 ]'
check "the project's own apt configuration in CACHE/apt/bookworm" \
	'grep -q "^Dir::State::Lists \"$c/apt/bookworm/lists\";" "$c/apt/bookworm/apt.conf" &&
	 grep -q "^deb .* http://deb.debian.org/debian-security bookworm-security main$" "$c/apt/bookworm/sources.list"'
: >"$d/calls"
run "$c" kernel 6.1
check "fresh lists, a cached build: no update, no download ($(paste -sd ';' "$d/calls"))" \
	'[ $rc = 0 ] && [ "$out" = "$k" ] && ! called "apt-get"'
touch -d '2 days ago' "$c/apt/bookworm/updated"
: >"$d/calls"
run "$c" kernel 6.1
check "lists two days old: updated" '[ $rc = 0 ] && called "apt-get -q update"'

# The archive moved on: the lists name 6.1.0-59, the pool has only 6.1.0-60.
mkdir -p "$r/boot" "$r/lib/modules/6.1.0-60-amd64/kernel"
: >"$r/boot/vmlinuz-6.1.0-60-amd64"
printf '%s\n' kernel/arch/x86/kvm/kvm-amd.ko kernel/arch/x86/kvm/kvm-intel.ko >"$r/lib/modules/6.1.0-60-amd64/modules.builtin"
deb linux-image-6.1.0-60-amd64-unsigned "$r"
rm -rf "$r"
echo linux-image-6.1.0-59-amd64-unsigned >"$d/names"
echo linux-image-6.1.0-60-amd64-unsigned >"$d/names.next"
: >"$d/calls"
run "$c" kernel 6.1
k=$c/linux-image-6.1.0-60-amd64-unsigned
check "a download that fails: lists updated, the newer build downloaded ($rc: $out $err)" \
	'[ $rc = 0 ] && [ "$out" = "$k" ] && [ -z "$err" ] &&
	 [ "$(grep -c "apt-get -q update" "$d/calls")" = 1 ] && called "download linux-image-6.1.0-60"'
check "the older build of the series removed, no download folder left ($(ls -A "$c" | paste -sd ' '))" \
	'[ ! -e "$c/linux-image-6.1.0-58-amd64-unsigned" ] && ! ls -d "$c"/.dl.* 2>/dev/null'

# Unreachable: stale lists name a build the cache lacks; the cached one is used.
touch "$d/unreachable"
touch -d '2 days ago' "$c/apt/bookworm/updated"
echo linux-image-6.1.0-61-amd64-unsigned >"$d/names"
run "$c" kernel 6.1
check "unreachable, a build cached: it is used, with warnings ($rc: $out)" \
	'[ $rc = 0 ] && [ "$out" = "$k" ] && grep -q "^vm: warning: apt-get update of bookworm and bookworm-security failed: W: Failed to fetch" "$d/err" &&
	 grep -q "^vm: warning: kernel 6.1: apt-get download linux-image-6.1.0-61-amd64-unsigned failed: E: Failed to fetch .*404.*; using cached linux-image-6.1.0-60-amd64-unsigned" "$d/err"'
run "$c" kernel 5.10
check "unreachable, no lists, nothing cached: exit 2, one line ($rc: $err)" \
	'[ $rc = 2 ] && one_line && grep -q "^vm: kernel 5.10: apt-get update of bullseye and bullseye-security failed: W: Failed to fetch" "$d/err"'
rm -f "$d/unreachable"
run "$c" kernel 5.10
check "no package of the series: exit 2, one line ($rc: $err)" \
	'[ $rc = 2 ] && one_line && [ "$err" = "vm: kernel 5.10: no linux-image-5.10.0-N-amd64-unsigned in bullseye and bullseye-security" ]'
echo linux-image-6.12.200+deb12-amd64-unsigned >"$d/names"
run "$c" kernel 6.12
check "a download that fails, nothing cached: exit 2, one line ($rc: $err)" \
	'[ $rc = 2 ] && one_line && grep -q "^vm: kernel 6.12: apt-get download linux-image-6.12.200+deb12-amd64-unsigned failed: E: Failed to fetch .*404.*; nothing cached$" "$d/err"'

# sid: an empty linux-image, vmlinuz in linux-binary, modules (.ko.xz) in
# linux-modules, modules.builtin in linux-base; -rt and -dbg left out.
rel=7.2.4+deb14-amd64
m=$r/usr/lib/modules/$rel
mkdir -p "$r"
deb "linux-image-$rel" "$r"
rm -rf "$r"
mkdir -p "$m"
: >"$m/vmlinuz"
deb "linux-binary-$rel" "$r"
rm -rf "$r"
mkdir -p "$m/kernel/arch/x86/kvm" "$m/kernel/virt/lib"
ko kvm_amd kvm | xz >"$m/kernel/arch/x86/kvm/kvm-amd.ko.xz"
ko kvm_intel kvm | xz >"$m/kernel/arch/x86/kvm/kvm-intel.ko.xz"
ko kvm "" | xz >"$m/kernel/arch/x86/kvm/kvm.ko.xz"
deb "linux-modules-$rel" "$r"
rm -rf "$r"
mkdir -p "$m"
echo kernel/virt/lib/irqbypass.ko >"$m/modules.builtin"
deb "linux-base-$rel" "$r"
rm -rf "$r"
printf '%s\n' "linux-image-$rel" "linux-image-7.2.9+deb14-rt-amd64" "linux-image-7.2.9+deb14-amd64-dbg" \
	"linux-image-7.1.9+deb14-amd64" >"$d/names"
printf '%s\n' "linux-base-$rel" "linux-binary-$rel" "linux-modules-$rel" kmod >"$d/deps.linux-image-$rel"
: >"$d/calls"
run "$c" kernel latest
k=$c/linux-image-$rel
check "latest: linux-image-$rel and its three parts ($rc: $out $err)" \
	'[ $rc = 0 ] && [ "$out" = "$k" ] &&
	 called "download linux-image-$rel linux-base-$rel linux-binary-$rel linux-modules-$rel" && ! called kmod'
check "latest: series 7.2, release $rel, modules uncompressed in load order ($(paste -sd ' ' "$k/mod/order" 2>/dev/null))" \
	'[ "$(cat "$k/series")" = 7.2 ] && [ "$(cat "$k/release")" = "$rel" ] && [ -f "$k/vmlinuz" ] &&
	 [ "$(paste -sd " " "$k/mod/order")" = "kvm kvm_amd" ] && [ "$(modinfo -F depends "$k/mod/kvm_amd.ko")" = kvm ] &&
	 [ "$(paste -sd " " "$k/mod/order.intel")" = "kvm kvm_intel" ] && [ "$(modinfo -F depends "$k/mod/kvm_intel.ko")" = kvm ]'
run "$c" kernel 7.2
check "7.2, the series latest is: the same build ($rc: $out $err)" '[ $rc = 0 ] && [ "$out" = "$k" ]'
run "$c" kernel 7.3
check "a series sid lacks: exit 2, one line naming sid's ($rc: $err)" \
	'[ $rc = 2 ] && one_line && [ "$err" = "vm: kernel 7.3: no linux-image-7.3.N+debN-amd64 in sid (sid'"'"'s latest series is 7.2)" ]'

# linux-source-7.2, unless the system has it.
mkdir -p "$r/usr/src"
echo tree >"$r/usr/src/linux-source-7.2.tar.xz"
deb linux-source-7.2 "$r"
rm -rf "$r"
echo 7.2.4-1 >"$d/srcver.7.2"
run "$c" source latest
if [ -f /usr/src/linux-source-7.2.tar.xz ]; then
	skip "source latest" "/usr/src/linux-source-7.2.tar.xz is installed"
else
	s=$c/linux-source-7.2_7.2.4-1/linux-source-7.2.tar.xz
	check "source latest: linux-source-7.2=7.2.4-1 unpacked ($rc: $out $err)" \
		'[ $rc = 0 ] && [ "$out" = "$s" ] && [ "$(cat "$s")" = tree ] && called "download linux-source-7.2=7.2.4-1"'
fi
run "$c" source 7.3
check "source of a series sid lacks: exit 2, one line ($rc: $err)" \
	'[ $rc = 2 ] && one_line && grep -q "^vm: source 7.3: no linux-source-7.3 in sid" "$d/err"'

# A signal during a download: the download folder goes, apt-get too, and
# fetch.sh ends by the signal.
# signalled SIG N: the download stopped by SIG. (Quiet: no "Hangup" notice
# from bash.)
signalled() {
	local sig=$1 n=$2 pid q t0 i ms
	touch "$d/hang"
	rm -f "$d/hang.pid"
	echo linux-image-6.1.0-62-amd64-unsigned >"$d/names"
	PATH=$d/bin:$PATH env --default-signal "$fetch" "$c" kernel 6.1 >"$d/out" 2>"$d/err" &
	pid=$!
	for ((i = 0; i < 250; i++)); do
		[ -s "$d/hang.pid" ] && ls "$c"/.dl.*/*.partial >/dev/null 2>&1 && break
		sleep 0.02
	done
	q=$(cat "$d/hang.pid" 2>/dev/null)
	t0=$(date +%s%N)
	kill -s "$sig" "$pid"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	check "SIG$sig during a download: exit $((128 + n)) (got $rc) within 2 s ($ms ms)" \
		'[ -n "$q" ] && [ "$rc" = $((128 + n)) ] && [ "$ms" -lt 2000 ]'
	check "SIG$sig during a download: no download folder, apt-get ($q) gone, no bash message" \
		'! ls -d "$c"/.dl.* >/dev/null 2>&1 && ! kill -0 "$q" 2>/dev/null && ! grep -q "line [0-9]*:" "$d/err"'
	[ -z "$q" ] || kill -KILL "$q" 2>/dev/null
	rm -f "$d/hang"
} 2>/dev/null
signalled TERM 15
signalled HUP 1
signalled INT 2

t_done
