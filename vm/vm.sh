#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the suite inside an emulated machine (QEMU TCG, -cpu max: AMD SVM with
# nested paging and PKU) under one or more Debian kernels; run.sh --vm.
# usage: vm.sh [KERNEL]... [--modules DIR] [--no-upstream] [--vm-timeout S]
#              [--json FILE] [--junit FILE] [harness options]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/vm
cache=${XSAVE_ABI_CACHE:-$top/.cache/vm}
work=build/vm
machine="qemu-tcg cpu=max"
harness=build/xsave-abi-static

die() { echo "vm: $*" >&2; exit 2; }

kernels=() hargs=() json="" junit="" modules="" upstream=1 limit=120
while [ $# -gt 0 ]; do
	case "$1" in
	6.12|6.1) kernels+=("$1") ;;
	all) kernels+=(6.12 6.1) ;;
	--modules) modules=${2:?--modules needs a folder}; shift ;;
	--no-upstream) upstream=0 ;;
	--vm-timeout) limit=${2:?--vm-timeout needs seconds}; shift ;;
	--json) json=${2:?--json needs a file}; shift ;;
	--junit) junit=${2:?--junit needs a file}; shift ;;
	--list) die "--list lists the cases without running them: use ./run.sh --list" ;;
	-t|-x|-g|--seed|--timeout) hargs+=("$1" "${2:?$1 needs a value}"); shift ;;
	-*) hargs+=("$1") ;;
	*)
		[ -f "$1" ] || die "'$1' is neither a known kernel (6.12, 6.1, all) nor a kernel image"
		kernels+=("$(realpath "$1")")
		;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.12)
case "$limit" in ''|*[!0-9]*) die "--vm-timeout wants whole seconds, not '$limit'" ;; esac
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

# Debian's linux-source tree whose selftests match a kernel series; a
# vendor's kernel gets the default (oldest) tree, whose tests run on newer
# kernels.
tree_of() {
	case "$1" in
	6.12) echo "build/k612 /usr/src/linux-source-6.12.tar.xz linux-source-6.12" ;;
	*) echo "build /usr/src/linux-source-6.1.tar.xz linux-source-6.1" ;;
	esac
}

build() {
	local k o src pkg
	scripts/deps.sh qemu-system-x86 cpio xz-utils kmod || exit 2
	make -s static >&2 || die "building $harness failed"
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
	local k=$1 run=$2 kdir label t0 t1 o src pkg up=-
	case "$k" in
	/*)
		label=$(basename "$k")
		kdir=$run/kernel
		vendor_kernel "$k" "$kdir"
		echo "$k" >"$run/package"
		;;
	*)
		label=$k
		kdir=$("$here/fetch.sh" "$cache" kernel "$k") || exit 2
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
	"$here/initramfs.sh" "$run/initrd.cpio" "$kdir" "$busybox" "$harness" "$up" \
		"$run/args" "$run/in" || die "building the initramfs for $label failed"
	echo "vm: $label: booting $(cat "$run/package")$(what_for "$run") (limit ${limit} s)" >&2
	t0=$(date +%s%N)
	"$here/boot.sh" "$kdir/vmlinuz" "$run/initrd.cpio" "$run" "$limit" 2>"$run/error"
	t1=$(date +%s%N)
	[ -s "$run/error" ] || rm -f "$run/error"
	if [ -f "$run/out/error" ]; then
		cp "$run/out/error" "$run/error"
	elif [ -d "$run/out" ] && [ ! -f "$run/in/state-only" ] &&
		[ ! -s "$run/out/results.json" ]; then
		echo "the harness wrote no results (exit code $(cat "$run/out/rc")):" \
			"$(head -n 2 "$run/out/stderr" | paste -sd ' ')" >"$run/error"
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

build
# Options the harness would reject, or filters that select nothing, fail
# here rather than after a boot.
"$harness" --list "${hargs[@]}" >/dev/null || die "the harness options above were rejected"
busybox=$("$here/fetch.sh" "$cache" busybox) || exit 2
rm -rf "$work"
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
