#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the suite inside an emulated machine under one or more Debian kernels;
# run.sh --vm. The AMD machine is QEMU TCG (-cpu max: SVM with nested paging
# and PKU, kvm_amd); the Intel machine is Bochs (a Sapphire Rapids: VMX with
# EPT, AVX-512, PKU, XSAVES and AMX, kvm_intel), built by vm/bochs.sh.
# usage: vm.sh [KERNEL]... [--cpu amd|intel|all] [--modules DIR]
#              [--no-upstream] [--vm-timeout S] [--json FILE] [--junit FILE]
#              [harness options]
# KERNEL: 5.10, 6.1, 6.12, latest (the newest series in sid, or the X.Y it
# resolves to), all (those four), or a kernel image with --modules DIR.
# Each kernel boots on each CPU chosen (default amd); a boot on the Intel
# machine is labelled SERIES-intel, and a series vm/bochs/unbootable lists
# is not booted there (its run is a SKIP with the reason).
# The boots run in parallel, as many at once as there are cores
# ($XSAVE_ABI_JOBS to change it), in two rounds: each kernel's suite, which
# also saves a state file, then, with several kernels, a boot per kernel
# that loads the state files the others saved; with fewer kernels than
# cores, a second boot beside a kernel's suite runs its selftests and some
# of its groups ($beside_amd, $beside_intel). The harness writes the report
# from the boots' folders (xsave-abi compose).
# SIGINT, SIGTERM or SIGHUP stop every process it started (QEMU included)
# and end it by the same signal; nothing else boots, no report is written.
# Environment: $XSAVE_ABI_CACHE the download cache (.cache/vm), and for
# tests $XSAVE_ABI_WORK the run folders ($O/vm), $XSAVE_ABI_VM_QEMU a
# program run instead of QEMU (boot.sh; Debian's QEMU is then not installed)
# and $XSAVE_ABI_OFFLINE (fetch.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/vm
. "$top/scripts/signals.sh"
cache=${XSAVE_ABI_CACHE:-$top/.cache/vm}
O=${O:-build}	# the build folder, as make's O=
work=${XSAVE_ABI_WORK:-$O/vm}
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

kernels=() cpus=(amd) hargs=() json="" junit="" modules="" upstream=1 limit=""
while [ $# -gt 0 ]; do
	case "$1" in
	5.10 | 6.1 | 6.12 | latest | [1-9].[0-9] | [1-9].[1-9][0-9]) kernels+=("$1") ;;
	all) kernels+=(5.10 6.1 6.12 latest) ;;
	--modules) needs $# "$1" "a folder (lib/modules/RELEASE)"; modules=$2; shift ;;
	--cpu)
		needs $# "$1" "amd, intel or all"
		case "$2" in
		amd | intel) cpus=("$2") ;;
		all) cpus=(amd intel) ;;
		*) die "--cpu: '$2' is not amd, intel or all" ;;
		esac
		shift
		;;
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
		[ -f "$1" ] || die "unknown kernel '$1': KERNEL is 5.10, 6.1, 6.12, latest, all or the path of a kernel image (with --modules DIR)"
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

# The build folder of a series' selftests (6.1's is the harness's own).
tree_dir() {
	case "$1" in
	6.1 | /*) echo "$O" ;;
	*) echo "$O/k${1//./}" ;;
	esac
}

# upstream SERIES DIR: the selftests of the series' own linux-source tree
# in DIR/upstream; when they cannot be had, a list saying why (a SKIP in the
# report), so the kernel still runs the suite.
upstream() {
	local series=$1 dir=$2 src why
	mkdir -p "$dir"
	case "$series" in
	6.1 | /*) src=/usr/src/linux-source-6.1.tar.xz
		scripts/deps.sh linux-source-6.1 >&2 || src="" ;;
	*) src=$(step "$here/fetch.sh" "$cache" source "$series" 2>"$dir/.why") || src="" ;;
	esac
	if [ -n "$src" ] && step make -s O="$dir" KSRC="$src" upstream >"$dir/upstream.log" 2>&1; then
		return 0
	fi
	why=$(tail -n 1 "$dir/.why" "$dir/upstream.log" 2>/dev/null | grep -v '^==>' | grep . | tail -n 1)
	mkdir -p "$dir/upstream"
	# The tests mk/upstream.mk builds, as it names them.
	for t in $(sed -n 's/^\(KVM\|MM\)_TESTS := //p' mk/upstream.mk); do
		echo "$t missing: no selftests from the $series tree: ${why:-unknown reason}"
	done >"$dir/upstream/list"
}

build() {
	local deps="cpio xz-utils zstd kmod binutils"
	# A QEMU of one's own needs no Debian package.
	[ -n "${XSAVE_ABI_VM_QEMU:-}" ] || deps="qemu-system-x86 $deps"
	scripts/deps.sh $deps || exit 2
	make -s O="$O" static >&2 || die "building $harness failed"
}

# KERNEL_DIR for a vendor kernel: its image and the kvm_amd and kvm_intel
# module closures (nothing to load for one built in).
vendor_kernel() {
	local img=$1 d=$2 vendor list
	rm -rf "$d" && mkdir -p "$d/mod"
	cp "$img" "$d/vmlinuz"
	echo "$(basename "$img")" >"$d/series"
	for vendor in amd intel; do
		list=order.$vendor
		[ "$vendor" = intel ] || list=order
		: >"$d/mod/$list"
		grep -q "/kvm-$vendor\.ko" "$modules/modules.builtin" 2>/dev/null ||
			"$here/modclosure.sh" "$modules" "kvm_$vendor" "$d/mod" "$list" ||
			die "$modules: cannot find kvm_$vendor and its dependencies"
	done
}

# prepare KERNEL CPU RUN: the run folder of a kernel's first boot on CPU,
# with its kernel (RUN/kdir) and selftests; what cannot be had is RUN/error.
prepare() {
	local k=$1 cpu=$2 run=$3 kdir series suffix=""
	mkdir -p "$run"
	echo "$cpu" >"$run/cpu"
	case "$cpu" in
	amd) echo "qemu-tcg cpu=max" >"$run/machine" ;;
	intel) echo "bochs $(basename "$bochs_dir" | cut -d- -f2) cpu=$bochs_model" >"$run/machine"
		suffix=-intel ;;
	esac
	echo 0 >"$run/wall_ms"
	case "$k" in
	/*)
		kdir=$run/kernel
		vendor_kernel "$k" "$kdir"
		echo "$k" >"$run/package"
		;;
	*)
		if ! step "$here/fetch.sh" "$cache" kernel "$k" >"$run/kdir" 2>"$run/fetch.log"; then
			echo "$k$suffix" >"$run/label"
			echo "-" >"$run/package"
			echo "cannot fetch the $k kernel: $(tail -n 1 "$run/fetch.log" | sed 's/^vm: //')" >"$run/error"
			echo "vm: $k: $(cat "$run/error")" >&2
			return 0
		fi
		kdir=$(cat "$run/kdir")
		basename "$kdir" >"$run/package"
		;;
	esac
	echo "$kdir" >"$run/kdir"
	# Once per cached kernel: the ELF image QEMU boots without decompressing.
	[ -s "$kdir/vmlinux" ] && [ "$kdir/vmlinux" -nt "$kdir/vmlinuz" ] ||
		"$here/vmlinux.sh" "$kdir/vmlinuz" "$kdir/vmlinux" || rm -f "$kdir/vmlinux"
	series=$(cat "$kdir/series")
	echo "$series$suffix" >"$run/label"
	# A series the Intel machine is known not to boot is not booted: its
	# run is a SKIP with the reason measured (vm/bochs/unbootable).
	if [ "$cpu" = intel ]; then
		awk -v s="$series" '$1 == s { sub(/^[^ ]+ +/, ""); print }' \
			"$here/bochs/unbootable" >"$run/skip"
		[ -s "$run/skip" ] && echo "vm: $series$suffix: not booted: $(cat "$run/skip")" >&2 && return 0
		rm -f "$run/skip"
	fi
	[ "$upstream" = 1 ] || return 0
	case "$k" in /*) series=/ ;; esac
	upstream "$series" "$(tree_dir "$series")"
	echo "$(tree_dir "$series")/upstream" >"$run/upstream"
	cat "$(tree_dir "$series")/ktree/.kversion" >"$run/tree" 2>/dev/null ||
		echo "$series (none)" >"$run/tree"
	echo "${UPSTREAM_TIMEOUT:-60}" >"$run/upstream_timeout"
}

# boot RUN: one boot of the run folder's kernel, bounded; RUN/error says
# why when nothing came back.
boot() {
	local run=$1 label kdir image t0 t1 rc up=- root order emu=() lim=${limit:-120}
	label=$(cat "$run/label")
	kdir=$(cat "$run/kdir")
	image=$kdir/vmlinuz
	order=$kdir/mod/order
	# Bochs boots by syslinux, which takes the bzImage only.
	if [ "$(cat "$run/cpu")" = intel ]; then
		order=$kdir/mod/order.intel
		emu=(--bochs "$bochs_dir" "$bochs_model")
		# Measured: up to 85 s a boot here, against QEMU's 12 to 55 s.
		lim=${limit:-300}
	elif [ -s "$kdir/vmlinux" ]; then
		image=$kdir/vmlinux
	fi
	[ -f "$run/upstream" ] && [ ! -f "$run/in/state-only" ] && up=$(cat "$run/upstream")
	root=$qemu_root
	[ ! -f "$run/in/no-qemu" ] || root=""
	"$here/initramfs.sh" "$run/initrd.cpio" "$order" "$busybox" "$harness" "$up" \
		"$run/args" "$run/in" "$root" || { echo "building the initramfs failed" >"$run/error"; return 0; }
	echo "vm: $label: booting $(cat "$run/package")$(what_for "$run") (limit ${lim} s)" >&2
	t0=$(date +%s%N)
	"$here/boot.sh" "${emu[@]}" "$image" "$run/initrd.cpio" "$run" "$lim" 2>"$run/error"
	rc=$?
	t1=$(date +%s%N)
	# boot.sh stopped by a signal (sent to it alone): so is the whole run.
	case "$rc" in 129 | 130 | 143) kill -s "$(kill -l "$rc")" $$; return 0 ;; esac
	[ -s "$run/error" ] || rm -f "$run/error"
	echo $(((t1 - t0) / 1000000)) >"$run/wall_ms"
	echo "vm: $label: done in $(cat "$run/wall_ms") ms" >&2
}

what_for() {
	local f n=""
	for f in "$1"/in/*.state; do
		[ -f "$f" ] && n="$n $(basename "$f" .state)"
	done
	[ -f "$1/in/state-only" ] && echo " to load the state files of:$n" && return
	[ -f "$1/in/no-harness" ] && echo " for its selftests alone" && return
	[ -f "$1/in/beside" ] && echo " for its selftests and the groups $(groups_of "$1/cases")" && return
	[ -n "$n" ] && echo ", loading the state files of:$n"
}

# A name for files: the label with anything but letters and digits as _
# (as xsave-abi compose reads them).
state_name() {
	printf '%s' "$(cat "$1/label")" | tr -c 'A-Za-z0-9' '_'
}

# bootable RUN: RUN has no error (its kernel not had, or its boot failed)
# and no skip (a series its machine does not boot).
bootable() {
	[ ! -f "$1/error" ] && [ ! -f "$1/skip" ]
}

# start RUN: boot it in the background, once fewer than $jobs boots run.
running=0
start() {
	bootable "$1" || return 0
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	boot "$1" &
	running=$((running + 1))
}

# The groups a kernel's second boot runs with its selftests, beside its
# suite, on each machine, so that the two boots end together. Measured,
# the whole suite on 6.12: on the Intel machine one boot took 81 s and the
# selftests' 26 s, split so 49 s and 48 s; on the AMD one, where group
# qemu is 13 s of the suite's 20 s of guest time, 28 s and 16 s, split
# so 21 s and 22 s.
beside_amd="host validation xsave pkru isolation cpuid oracle migration ptrace sigreturn amx xfd vmm_order"
beside_intel="qemu migration"

# groups_of LIST: the groups of the cases LIST names, on one line.
groups_of() {
	cut -d. -f1 "$1" | uniq | paste -sd ' '
}

# split RUN: with cores to spare, a second boot (RUN.up) beside the suite's
# for the selftests and the groups of $beside_CPU, which the suite's boot
# leaves out. With the same seed the two halves are one run; merge_beside
# puts RUN.up's results back. Each takes QEMU only if a case or a move of
# its needs it.
split() {
	local run=$1 up=$1.up f g own=() other=() seed=() beside
	[ -f "$run/upstream" ] && bootable "$run" || return 0
	mkdir -p "$up/in"
	for f in label package machine cpu kdir upstream upstream_timeout; do
		cp "$run/$f" "$up/"
	done
	touch "$up/in/beside"
	rm "$run/upstream"
	beside=beside_$(cat "$run/cpu")
	for g in $all_groups; do
		case " ${!beside} " in
		*" $g "*) own+=(-x "$g.*") ;;
		*) other+=(-x "$g.*") ;;
		esac
	done
	case " ${hargs[*]} " in
	*" --seed "*) ;;
	*) seed=(--seed "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')") ;;
	esac
	# Only when each half selects a case; else the suite stays whole.
	if "$harness" --list "${hargs[@]}" "${own[@]}" >/dev/null 2>&1 &&
		"$harness" --list "${hargs[@]}" "${other[@]}" 2>/dev/null | cut -d' ' -f1 >"$up/cases" &&
		[ -s "$up/cases" ]; then
		printf '%s\n' "${hargs[@]}" "${own[@]}" "${seed[@]}" >"$run/args"
		printf '%s\n' "${hargs[@]}" "${other[@]}" "${seed[@]}" >"$up/args"
	else
		rm -f "$up/cases"
		: >"$up/args"
		touch "$up/in/no-harness"
	fi
	if ! grep -q '^qemu\.' "$up/cases" 2>/dev/null; then
		touch "$up/in/no-qemu"
	elif [ ! -f "$run/in/save" ]; then
		touch "$run/in/no-qemu"
	fi
}

# merge_beside RUN: RUN.up's selftests and cases into RUN/out, as if one
# boot had run them all; when that boot sent nothing, each fails with why.
merge_beside() {
	local run=$1 up=$1.up why f
	[ -d "$up" ] && [ -d "$run/out" ] || return 0
	why=$(cat "$up/error" "$up/out/error" 2>/dev/null | head -n 1)
	why="the boot beside the suite sent nothing back: ${why:-no reason given}"
	rm -rf "$run/out/upstream"
	if [ -f "$up/out/upstream/list" ]; then
		mv "$up/out/upstream" "$run/out/upstream"
	else
		mkdir -p "$run/out/upstream"
		cp "$(cat "$up/upstream")/list" "$run/out/upstream/list"
		echo "$why" >"$run/out/upstream/error"
	fi
	[ -f "$up/cases" ] || return 0
	mkdir -p "$run/out/beside"
	cp "$up/cases" "$run/out/beside/list"
	if [ -f "$up/out/results.json" ]; then
		for f in results.json rc stderr; do
			[ ! -f "$up/out/$f" ] || mv "$up/out/$f" "$run/out/beside/"
		done
	else
		echo "$why" >"$run/out/beside/error"
	fi
}

# finish: wait for every boot started.
finish() {
	wait
	running=0
}

# Cross-kernel migration: a second boot of each kernel that booted, to
# load the state files every other kernel saved.
loads() {
	local i j run d f
	for ((i = 1; i <= n; i++)); do
		bootable "$work/$i" || continue
		run=$work/load$i
		mkdir -p "$run/in"
		: >"$run/args"
		touch "$run/in/state-only"
		for f in label package machine cpu kdir; do cp "$work/$i/$f" "$run/"; done
		for ((j = 1; j <= n; j++)); do
			d=$work/$j
			[ "$j" != "$i" ] || continue
			[ ! -f "$d/out/state/saved.state" ] ||
				cp "$d/out/state/saved.state" "$run/in/$(state_name "$d").state"
			[ ! -f "$d/out/qemu/saved.mig" ] ||
				cp "$d/out/qemu/saved.mig" "$run/in/$(state_name "$d").mig"
		done
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
# Group qemu selected: Debian's QEMU, what it loads and the L2 guest go
# into each machine that runs the harness (vm/qemu-bundle.sh).
qemu_root=""
if "$harness" --list "${hargs[@]}" | grep -q '^qemu\.'; then
	scripts/deps.sh qemu-system-x86 || exit 2
	step "$here/qemu-bundle.sh" "$O/vm-qemu" /usr/bin/qemu-system-x86_64 "$O/l2/l2.elf" || exit 2
	qemu_root=$O/vm-qemu
fi
all_groups=$("$harness" --list | cut -d. -f1 | uniq)
jobs=${XSAVE_ABI_JOBS:-$(nproc)}
rm -rf "$work"
mkdir -p "$work"
step "$here/fetch.sh" "$cache" busybox >"$work/busybox" || exit 2
busybox=$(cat "$work/busybox")
# The Intel machine chosen: Bochs built once (cached) and what makes its disk.
# Its CPU model has AMX, which Linux enables with the XFD of vm/bochs/xfd.patch.
bochs_dir="" bochs_model=sapphire_rapids
case " ${cpus[*]} " in
*" intel "*)
	scripts/deps.sh g++ make syslinux mtools dosfstools || exit 2
	step "$here/bochs.sh" "$cache" >"$work/bochs" || exit 2
	bochs_dir=$(cat "$work/bochs")
	;;
esac
# One boot per kernel and CPU: run I boots kernel rk[I] on cpu rc[I], its
# last time kept in the cache under tk[I].
rk=() rc=() tk=()
for k in "${kernels[@]}"; do
	for c in "${cpus[@]}"; do
		rk+=("$k") rc+=("$c") tk+=("${k##*/}${c/#amd/}")
	done
done
dirs=()
n=${#rk[@]}
for ((i = 1; i <= n; i++)); do dirs+=("$work/$i"); done
# The longest boots first (by the last run's times, kept in the cache), so
# that the two rounds end together; each kernel boots as soon as it is
# ready, while the next one is fetched.
mkdir -p "$cache/times"
for ((i = 1; i <= n; i++)); do
	echo "$(cat "$cache/times/${tk[i - 1]}" 2>/dev/null || echo 999999) $i"
done | sort -rn | cut -d' ' -f2 >"$work/order"
while read -r i; do
	run=$work/$i
	step prepare "${rk[i - 1]}" "${rc[i - 1]}" "$run" || exit 2
	: >"$run/args"
	[ ${#hargs[@]} -eq 0 ] || printf '%s\n' "${hargs[@]}" >"$run/args"
	mkdir -p "$run/in"
	[ "$n" -lt 2 ] || touch "$run/in/save"
	# Between the two machines, state files hold only the components both
	# have (x87, SSE, AVX, PKRU), as a VMM's common CPU model would.
	[ "${#cpus[@]}" -lt 2 ] || echo "--xcr0 0x207" >"$run/in/save"
	[ "$n" -ge "$jobs" ] || split "$run"
	[ ! -d "$run.up" ] || start "$run.up"
	start "$run"
done <"$work/order"
finish
for ((i = 1; i <= n; i++)); do merge_beside "$work/$i"; done
for ((i = 1; i <= n; i++)); do
	bootable "$work/$i" &&
		cp "$work/$i/wall_ms" "$cache/times/${tk[i - 1]}"
done
if [ "$n" -ge 2 ]; then
	loads
	for run in "${dirs[@]:n}"; do start "$run"; done
	finish
fi
exec "$harness" compose ${json:+--json "$json"} ${junit:+--junit "$junit"} "${dirs[@]}"
