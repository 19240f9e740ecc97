#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the suite inside an emulated machine (QEMU TCG, -cpu max: AMD SVM with
# nested paging and PKU) under one or more Debian kernels; run.sh --vm.
# usage: vm.sh [KERNEL]... [--modules DIR] [--no-upstream] [--vm-timeout S]
#              [--json FILE] [--junit FILE] [harness options]
# SIGINT, SIGTERM or SIGHUP stop every process it started (QEMU included)
# and end it by the same signal; nothing else boots, no report is written.
# Environment: $XSAVE_ABI_CACHE the download cache (.cache/vm), and for
# tests $XSAVE_ABI_WORK the run folders ($O/vm), $XSAVE_ABI_QEMU a
# program run instead of QEMU (boot.sh; Debian's QEMU is then not installed)
# and $XSAVE_ABI_OFFLINE (fetch.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/vm
. "$top/scripts/signals.sh"
cache=${XSAVE_ABI_CACHE:-$top/.cache/vm}
O=${O:-build}	# the build folder, as make's O=
work=${XSAVE_ABI_WORK:-$O/vm}
machine="qemu-tcg cpu=max"
harness=$O/xsave-abi-static

die() { echo "vm: $*" >&2; exit 2; }

# needs N OPTION WHAT: OPTION, one of the N arguments left, has a value.
needs() { [ "$1" -ge 2 ] || die "$2 needs a value: $3"; }

# seconds VALUE: --vm-timeout's value, 1 to 86400, decimal digits only.
seconds() {
	case "$1" in
	[1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9])
		[ "$1" -le 86400 ] && return 0 ;;
	esac
	die "--vm-timeout: '$1' is not a whole number of seconds from 1 to 86400 (decimal digits only)"
}

kernels=() hargs=() json="" junit="" modules="" upstream=1 limit=120
while [ $# -gt 0 ]; do
	case "$1" in
	6.12|6.1) kernels+=("$1") ;;
	all) kernels+=(6.12 6.1) ;;
	--modules) needs $# "$1" "a folder (lib/modules/RELEASE)"; modules=$2; shift ;;
	--no-upstream) upstream=0 ;;
	--vm-timeout) needs $# "$1" "seconds, 1 to 86400"; seconds "$2"; limit=$2; shift ;;
	--json|--junit)
		needs $# "$1" "a file"
		[ -n "$2" ] || die "$1: '' is not a file name"
		[ "$1" = --json ] && json=$2 || junit=$2
		shift
		;;
	--list) die "--list lists the cases without running them: use ./run.sh --list" ;;
	-t|--test|-x|--exclude) needs $# "$1" "a GLOB"; hargs+=("$1" "$2"); shift ;;
	-g|--group) needs $# "$1" "a group NAME"; hargs+=("$1" "$2"); shift ;;
	--seed|--timeout) needs $# "$1" "a number"; hargs+=("$1" "$2"); shift ;;
	-*) hargs+=("$1") ;;
	*)
		[ -f "$1" ] || die "unknown kernel '$1': KERNEL is 6.12, 6.1, all or the path of a kernel image (with --modules DIR)"
		kernels+=("$(realpath "$1")")
		;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.12)
for k in "${kernels[@]}"; do
	case "$k" in
	/*) [ -n "$modules" ] || die "kernel image $k needs --modules DIR (its lib/modules/RELEASE folder)" ;;
	esac
done
[ -z "$modules" ] || [ -d "$modules" ] || die "--modules $modules: no such folder"
# Paths are the caller's; from here on the working folder is the project.
[ -z "$modules" ] || modules=$(realpath "$modules")
[ -z "$json" ] || json=$(realpath -m "$json")
[ -z "$junit" ] || junit=$(realpath -m "$junit")
cd "$top" || exit 2

# A signal stops every process this script started, their children too
# (boot.sh takes QEMU along): TERM, KILL after 0.75 s. Then the script dies
# by the same signal: nothing else boots and no report is written.
# At most one command substitution per command from here on: bash 5.2
# misparses a trap that runs between two of them (and then the command).
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}
stop() {
	local pids i
	trap '' INT TERM HUP
	pids=$(descendants $$)
	if [ -n "$pids" ]; then
		kill -TERM $pids 2>/dev/null
		for ((i = 0; i < 15; i++)); do
			ps -o stat= -p "${pids//$'\n'/,}" | grep -qv '^Z' || break
			sleep 0.05
		done
		kill -KILL $pids 2>/dev/null
	fi
	die_by "$1" "$2"
}
catch_signals stop

# step CMD...: CMD as a job that is waited for, since bash runs a trap
# during wait at once but only after a foreground command has ended.
step() {
	"$@" &
	wait $!
}

# Debian's linux-source tree whose selftests match a kernel series; a
# vendor's kernel gets the default (oldest) tree, whose tests run on newer
# kernels.
tree_of() {
	case "$1" in
	6.12) echo "$O/k612 /usr/src/linux-source-6.12.tar.xz linux-source-6.12" ;;
	*) echo "$O /usr/src/linux-source-6.1.tar.xz linux-source-6.1" ;;
	esac
}

build() {
	local k o src pkg deps="cpio xz-utils kmod"
	# A QEMU of one's own needs no Debian package.
	[ -n "${XSAVE_ABI_QEMU:-}" ] || deps="qemu-system-x86 $deps"
	scripts/deps.sh $deps || exit 2
	make -s O="$O" static >&2 || die "building $harness failed"
	[ "$upstream" = 1 ] || return 0
	for k in "${kernels[@]}"; do
		read -r o src pkg <<<"$(tree_of "$k")"
		scripts/deps.sh "$pkg" || exit 2
		make -s O="$o" KSRC="$src" upstream >&2 ||
			die "building the upstream selftests from $src failed"
	done
}

# KERNEL_DIR for a vendor kernel: its image and the kvm_amd module closure
# (nothing to load when kvm_amd is built in).
vendor_kernel() {
	local img=$1 d=$2
	rm -rf "$d" && mkdir -p "$d/mod"
	cp "$img" "$d/vmlinuz"
	: >"$d/mod/order"
	if grep -q '/kvm-amd\.ko' "$modules/modules.builtin" 2>/dev/null; then
		return 0
	fi
	"$here/modclosure.sh" "$modules" kvm_amd "$d/mod" ||
		die "$modules: cannot find kvm_amd and its dependencies"
}

# One kernel: fetch, initramfs, boot; fills the run folder compose.sh reads.
run_kernel() {
	local k=$1 run=$2 kdir label t0 t1 o src pkg why rc up=-
	case "$k" in
	/*)
		label=$(basename "$k")
		kdir=$run/kernel
		vendor_kernel "$k" "$kdir"
		echo "$k" >"$run/package"
		;;
	*)
		label=$k
		step "$here/fetch.sh" "$cache" kernel "$k" >"$run/kdir" || exit 2
		kdir=$(cat "$run/kdir")
		basename "$kdir" >"$run/package"
		;;
	esac
	echo "$label" >"$run/label"
	echo "$machine" >"$run/machine"
	if [ "$upstream" = 1 ]; then
		read -r o src pkg <<<"$(tree_of "$k")"
		up=$o/upstream
		cat "$o/ktree/.kversion" >"$run/tree"
		echo "${UPSTREAM_TIMEOUT:-60}" >"$run/upstream_timeout"
	fi
	step "$here/initramfs.sh" "$run/initrd.cpio" "$kdir" "$busybox" "$harness" "$up" \
		"$run/args" "$run/in" || die "building the initramfs for $label failed"
	why=$(what_for "$run")
	echo "vm: $label: booting $(cat "$run/package")$why (limit ${limit} s)" >&2
	t0=$(date +%s%N)
	step "$here/boot.sh" "$kdir/vmlinuz" "$run/initrd.cpio" "$run" "$limit" 2>"$run/error"
	rc=$?
	# boot.sh stopped by a signal (sent to it alone): so is the whole run.
	case "$rc" in 129 | 130 | 143) stop "$(kill -l "$rc")" $((rc - 128)) ;; esac
	t1=$(date +%s%N)
	[ -s "$run/error" ] || rm -f "$run/error"
	if [ -f "$run/out/error" ]; then
		cp "$run/out/error" "$run/error"
	elif [ -d "$run/out" ] && [ ! -f "$run/in/state-only" ] &&
		[ ! -s "$run/out/results.json" ]; then
		why=$(head -n 2 "$run/out/stderr" | paste -sd ' ')
		echo "the harness wrote no results (exit code $(cat "$run/out/rc")): $why" >"$run/error"
	fi
	echo $(((t1 - t0) / 1000000)) >"$run/wall_ms"
	echo "vm: $label: done in $(cat "$run/wall_ms") ms" >&2
}

what_for() {
	local f n=""
	for f in "$1"/in/*.state; do
		[ -f "$f" ] && n="$n $(basename "$f" .state)"
	done
	[ -f "$1/in/state-only" ] && echo " to load the state files of:$n" && return
	[ -n "$n" ] && echo ", loading the state files of:$n"
}

# A name for files: the label with anything but letters and digits as _.
state_name() {
	printf '%s' "$(cat "$1/label")" | tr -c 'A-Za-z0-9' '_'
}

# /in for run folder $1: the state files saved by the run folders after it.
state_inputs() {
	local run=$1 d
	shift
	mkdir -p "$run/in"
	for d in "$@"; do
		[ -f "$d/out/state/saved.state" ] &&
			cp "$d/out/state/saved.state" "$run/in/$(state_name "$d").state"
	done
}

# Cross-kernel migration with several kernels: each boot loads what the
# earlier ones saved and saves its own; then every kernel but the last boots
# once more, for state only, to load what the later ones saved.
cross_kernel() {
	local n=${#kernels[@]} i run
	for ((i = 1; i < n; i++)); do
		run=$work/state$i
		mkdir -p "$run"
		: >"$run/args"
		state_inputs "$run" "${dirs[@]:i}"
		touch "$run/in/state-only"
		run_kernel "${kernels[i - 1]}" "$run"
		dirs+=("$run")
	done
}

# Options the harness would reject, filters that select nothing, and --json
# or --junit paths it cannot write fail here: before any build, fetch or
# boot when the harness is built and up to date (an older one might refuse
# a newer option), else right after the build.
precheck() {
	"$harness" --list "${hargs[@]}" ${json:+--json "$json"} ${junit:+--junit "$junit"} \
		>/dev/null || die "the harness refused the options or paths above"
}
if [ -x "$harness" ] && make -s -q O="$O" static 2>/dev/null; then
	precheck
fi
step build || exit $?
precheck
rm -rf "$work"
mkdir -p "$work"
step "$here/fetch.sh" "$cache" busybox >"$work/busybox" || exit 2
busybox=$(cat "$work/busybox")
dirs=()
i=0
for k in "${kernels[@]}"; do
	i=$((i + 1))
	run=$work/$i
	mkdir -p "$run"
	: >"$run/args"
	[ ${#hargs[@]} -eq 0 ] || printf '%s\n' "${hargs[@]}" >"$run/args"
	state_inputs "$run" "${dirs[@]}"
	[ ${#kernels[@]} -lt 2 ] || touch "$run/in/save"
	run_kernel "$k" "$run"
	dirs+=("$run")
done
[ ${#kernels[@]} -lt 2 ] || cross_kernel
exec "$here/compose.sh" ${json:+--json "$json"} ${junit:+--junit "$junit"} "${dirs[@]}"
