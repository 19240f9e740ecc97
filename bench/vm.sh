#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Timings of one kernel's emulated-machine run (vm/vm.sh KERNEL), over RUNS
# runs (default 3) after a first run has filled the download cache: wall
# time from QEMU's start to its exit, and where it goes, from the guest's
# own clock (/init stamps /proc/uptime at each stage). Target on a 2-core
# machine: at most 10 s per kernel, boot, suite, upstream tests, power-off.
set -eu
cd "$(dirname "$0")/.."
kernel=${1:-6.12}
O=${O:-build}	# the build folder, as make's O=
export O
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vm/vm.sh "$kernel" --seed 1 >/dev/null 2>"$tmp/warm.log" ||
	{ cat "$tmp/warm.log" >&2; echo "bench: the first run failed" >&2; exit 1; }
for i in $(seq "$runs"); do
	vm/vm.sh "$kernel" --seed 1 >/dev/null 2>>"$tmp/log" ||
		{ cat "$tmp/log" >&2; echo "bench: run $i failed" >&2; exit 1; }
	echo "$(cat "$O/vm/1/wall_ms") $(cut -d' ' -f2 "$O/vm/1/out/times" | paste -sd' ')" >>"$tmp/t"
done
# Each line: wall_ms, then uptime at init, modules, harness, upstream, end.
sort -n "$tmp/t" | awk -v runs="$runs" -v k="$kernel" '
{ w[NR] = $1; i[NR] = $2 * 1000; m[NR] = $3 * 1000; h[NR] = $4 * 1000
  u[NR] = $5 * 1000; e[NR] = $6 * 1000 }
END {
	n = int((NR + 1) / 2)	# the median run by wall time
	boot = w[n] - (e[n] - i[n]) + (m[n] - i[n])
	printf "kernel %s, %d runs after a warm-up run\n", k, runs
	printf "wall time: median %d ms, min %d ms, max %d ms\n", w[n], w[1], w[NR]
	printf "median run: outside /init (QEMU start, firmware, kernel boot, results out, power-off) %d ms,\n", w[n] - (e[n] - i[n])
	printf "  of which the kernel boot to /init %d ms by the guest clock\n", i[n]
	printf "  kvm modules %d ms, suite %d ms, upstream selftests %d ms\n", m[n] - i[n], h[n] - m[n], u[n] - h[n]
	printf "boot share (everything but the suite and the selftests): %d ms, %.0f%%\n", boot, 100 * boot / w[n]
	printf "target: at most 10000 ms per kernel: %s\n", w[n] <= 10000 ? "met" : "NOT met"
}'
