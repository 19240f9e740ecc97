#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi: build what is missing (installing Debian packages as root),
# then run the suite on this host, or with --vm inside an emulated machine.
set -u
top=$(cd "$(dirname "$0")" && pwd)
. "$top/scripts/signals.sh"
# O: the build folder, as make's O= (relative to the project).
O=${O:-build}
case "$O" in /*) ;; *) O=$top/$O ;; esac
export O
bin=$O/xsave-abi

usage() {
	cat <<USAGE
usage: ./run.sh [--no-build] [harness options]
       ./run.sh --vm [KERNEL]... [--cpu amd|intel|all] [--modules DIR]
                [--no-upstream] [--vm-timeout S] [harness options]
Builds \$O/xsave-abi if needed (make; O is the build folder, build unless
set, as make O=; CC and CFLAGS reach make too), then runs it natively; its
KTAP goes to stdout and its exit status is this script's.
  --no-build     run the binary as it is (native runs only)

--vm runs the suite inside an emulated machine under each KERNEL: the AMD
machine is QEMU TCG (-cpu max: SVM, nested paging, PKU; kvm_amd), the
Intel machine Bochs, built from Debian's source package (a Sapphire
Rapids: VMX with EPT, AVX-512, PKU, XSAVES, AMX; kvm_intel). Then the
kernel's own selftests from the matching linux-source tree. The series the
Intel machine does not boot (vm/bochs/unbootable: 5.10, 6.1) are a SKIP
there that says why. With several boots, each
also loads the state files the others saved (xsave-abi state;
migration.cross_kernel.A_to_B), one extra boot per kernel and CPU. One
KTAP stream nests each boot's run; --json and --junit write one file for
all. Exit 0 when every boot's run and every move passed, else 1.
  KERNEL         6.12 (default), 5.10, 6.1, latest (the newest series in
                 sid, or the X.Y it resolves to), all (those four), or the
                 path of a kernel image of your own, given with --modules
  --cpu CPU      amd (default), intel (labels SERIES-intel) or all (both)
  --modules DIR  that kernel's lib/modules/RELEASE folder (kvm_amd,
                 kvm_intel and what they depend on are loaded from there)
  --no-upstream  leave out the kernel's own selftests
  --vm-timeout S kill the emulator after S seconds per boot, 1 to 86400
                 (default 120 on the AMD machine, 300 on the Intel one)
Debian kernels and busybox-static are downloaded with apt-get into
.cache/vm/ (or \$XSAVE_ABI_CACHE) and reused; each run's files stay under
\$O/vm/.
SIGINT, SIGTERM or SIGHUP stop everything this script started, QEMU
included, within a second; no partial --json or --junit file is left, and
the exit status is 128 + the signal's number.
Harness options (passed on, also under --vm):
USAGE
	[ -x "$bin" ] && "$bin" --help | sed -n '/^  /p'
}

build=1
vm=0
args=()
for a in "$@"; do
	case "$a" in
	--no-build) build=0 ;;
	--vm) vm=1 ;;
	-h|--help) usage; exit 0 ;;
	*) args+=("$a") ;;
	esac
done

# Cases skipped on this host, counted by reason; those that need guest
# XSAVE or PKU, or host PKU, run under --vm.
note_skipped() {
	local reasons
	reasons=$(sed -n 's/^ok [0-9]* [^ ]* # SKIP //p' "$1" | sort | uniq -c | sort -rn)
	[ -n "$reasons" ] || return 0
	{
		echo "run.sh: skipped on this host, by reason:"
		echo "$reasons" | sed 's/^ */run.sh:   /'
		if echo "$reasons" | grep -q -E 'XSAVE|PKU'; then
			echo "run.sh: ./run.sh --vm runs them in an emulated machine with SVM and PKU"
		fi
	} >&2
}

# The work under way (make, the harness, vm/vm.sh) runs in a process group
# of its own, job. A signal stops that whole group, TERM first and KILL
# after 0.75 s (a job not yet in its group is stopped by its PID), removes
# the temporary file and ends this script by the same signal.
job="" out=""
# running JOB: a process of that group, or JOB itself before it has a group
# of its own, has not ended (a zombie has, even before its reaper sees it).
running() {
	ps -A -o pid= -o pgid= -o stat= |
		awk -v j="$1" '($1 == j || $2 == j) && $3 !~ /^Z/ { f = 1 } END { exit !f }'
}
stop() {
	local i
	trap '' INT TERM HUP
	[ "$job" != starting ] || job=${!:-}
	if [ -n "$job" ]; then
		kill -TERM -- -"$job" "$job" 2>/dev/null
		for ((i = 0; i < 15; i++)); do
			running "$job" || break
			sleep 0.05
		done
		kill -KILL -- -"$job" "$job" 2>/dev/null
	fi
	[ -z "$out" ] || rm -f "$out"
	die_by "$1" "$2"
}
catch_signals stop

# start CMD...: CMD as that job, waited for (bash runs a trap during wait
# at once, during a foreground command only once it ends).
start() {
	local rc
	job=starting
	setsid "$@" &
	job=$!
	wait "$job"
	rc=$?
	job=""
	return "$rc"
}

# teed CMD...: start CMD with its output on stdout and in $out; CMD's status.
teed() {
	start "$BASH" -c '"$@" | tee "$0"; exit "${PIPESTATUS[0]}"' "$out" "$@"
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ "$vm" = 1 ]; then
	teed "$top/vm/vm.sh" "${args[@]}"
	rc=$?
else
	if [ "$build" = 1 ]; then
		start make -s --no-print-directory -C "$top" O="$O" all >&2 ||
			{ echo "run.sh: build failed" >&2; exit 2; }
	fi
	[ -x "$bin" ] || { echo "run.sh: $bin is missing: run make" >&2; exit 2; }
	teed "$bin" "${args[@]}"
	rc=$?
	note_skipped "$out"
fi
# One plain closing line: passed counts XFAIL and XPASS, failed counts errors.
awk '/^# Totals:/ {
	for (i = 3; i <= NF; i++) { split($i, kv, ":"); n[kv[1]] = kv[2] }
	printf "xsave-abi: %d passed, %d failed, %d skipped\n",
		n["pass"] + n["xfail"] + n["xpass"], n["fail"] + n["error"], n["skip"]
}' "$out" >&2
exit "$rc"
