#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Timings of emulated-machine runs, side by side in one run, warm (a first
# run fills the download cache and builds what is missing):
#   ./run.sh --vm KERNELS   boots in parallel (as many as cores), from the
#                           command's start to its exit
#   the same, one boot at a time (XSAVE_ABI_JOBS=1): the sum of its boots
#   ./run.sh --vm 6.12      one kernel
#   ./run.sh --vm 6.12 --cpu intel   one kernel on the Intel machine
# and each boot's parts from the guest's own clock (/init stamps
# /proc/uptime at each stage). Targets on a 2-core machine: --vm all at
# most 30 s, --vm 6.12 at most 6 s, --vm 6.12 --cpu intel at most 60 s.
# usage: bench/vm.sh [KERNEL...]   (default: all)
set -u
cd "$(dirname "$0")/.."
O=${O:-build}	# the build folder, as make's O=
export O
[ $# -gt 0 ] || set -- all
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# timed NAME CMD...: CMD's wall time in ms into $tmp/NAME; its run folders
# kept in $tmp/NAME.vm.
timed() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$tmp/$name.log" ||
		{ tail -n 5 "$tmp/$name.log" >&2; echo "bench: $name failed" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$tmp/$name"
	cp -r "$O/vm" "$tmp/$name.vm"
}

timed warm-up ./run.sh --vm "$@" --seed 1
timed parallel ./run.sh --vm "$@" --seed 1
XSAVE_ABI_JOBS=1 timed sequential ./run.sh --vm "$@" --seed 1
timed one ./run.sh --vm 6.12 --seed 1
timed intel ./run.sh --vm 6.12 --cpu intel --seed 1

boots() {
	local d
	for d in "$tmp/$1.vm"/*/; do
		[ -f "$d/wall_ms" ] && echo "$(basename "$d") $(cat "$d/label") $(cat "$d/wall_ms")"
	done
}
sum=$(boots sequential | awk '{ s += $3 } END { print s + 0 }')
n=$(boots parallel | wc -l)
printf 'kernels: %s, %d boots in two rounds, on %d cores\n' "$*" "$n" "$(nproc)"
printf '%-44s %6d ms\n' "./run.sh --vm $* (parallel), start to exit" "$(cat "$tmp/parallel")"
printf '%-44s %6d ms\n' "the same, one boot at a time, start to exit" "$(cat "$tmp/sequential")"
printf '%-44s %6d ms\n' "  of which the sum of its boots" "$sum"
printf '%-44s %6d ms\n' "./run.sh --vm 6.12, start to exit" "$(cat "$tmp/one")"
printf '%-44s %6d ms\n' "./run.sh --vm 6.12 --cpu intel, start to exit" "$(cat "$tmp/intel")"
echo "each boot of the parallel run (ms; the guest's clock: kernel boot to /init,"
echo "kvm modules, suite, upstream selftests, state files; outside: QEMU start,"
echo "firmware, results out):"
printf '  %-8s %-6s %6s %6s %6s %6s %8s %6s %7s\n' boot kernel wall kernel modules suite upstream states outside
for d in "$tmp/parallel.vm"/*/; do
	[ -f "$d/out/times" ] || continue
	awk -v b="$(basename "$d")" -v k="$(cat "$d/label")" -v w="$(cat "$d/wall_ms")" '
	{ t[$1] = $2 * 1000 }
	END {
		m = t["modules"]; h = ("harness" in t) ? t["harness"] : m
		u = ("upstream" in t) ? t["upstream"] : h
		s = ("states" in t) ? t["states"] : u
		printf "  %-8s %-6s %6d %6d %6d %6d %8d %6d %7d\n", b, k, w, t["init"],
			m - t["init"], h - m, u - h, s - u, w - t["end"]
	}' "$d/out/times"
done
p=$(cat "$tmp/parallel") o=$(cat "$tmp/one") i=$(cat "$tmp/intel")
[ "$*" != all ] || printf 'target --vm all <= 30000 ms: %s\n' "$([ "$p" -le 30000 ] && echo met || echo "NOT met")"
printf 'target --vm 6.12 <= 6000 ms: %s\n' "$([ "$o" -le 6000 ] && echo met || echo "NOT met")"
printf 'target --vm 6.12 --cpu intel <= 60000 ms: %s\n' "$([ "$i" -le 60000 ] && echo met || echo "NOT met")"
