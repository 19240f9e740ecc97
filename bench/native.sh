#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Timings of the native suite: wall time of a whole run and the median cost
# of one case (fork, VM and vCPU creation, the ioctls, teardown), over
# RUNS runs (default 20). Target on a 2-core machine: suite under 1 s.
set -eu
bin=${1:-build/xsave-abi}
runs=${RUNS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for i in $(seq "$runs"); do
	t0=$(date +%s%N)
	"$bin" --seed 1 --json "$tmp/run$i.json" >/dev/null || rc=$?
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 )) >>"$tmp/wall_us"
	[ "${rc:-0}" -le 1 ] || { echo "bench: $bin exited ${rc}" >&2; exit 1; }
done

python3 - "$tmp" "$runs" <<'PY'
import json, statistics, sys, glob
tmp, runs = sys.argv[1], int(sys.argv[2])
wall = [int(x) / 1000 for x in open(tmp + "/wall_us")]
per_case, fresh = [], []
for f in glob.glob(tmp + "/run*.json"):
    for r in json.load(open(f))["results"]:
        if r["result"] in ("pass", "fail", "xfail", "xpass", "error"):
            per_case.append(r["duration_ms"])
        if r["name"] == "validation.fresh_vcpu_header_is_clear":
            fresh.append(r["duration_ms"])
med = statistics.median(wall)
print(f"runs: {runs}")
print(f"suite wall time: median {med:.1f} ms, min {min(wall):.1f} ms, max {max(wall):.1f} ms")
if per_case:
    print(f"per case that ran: median {statistics.median(per_case):.2f} ms over {len(per_case)} cases")
if fresh:
    print(f"one VM + vCPU + KVM_GET_XSAVE + teardown, in its own child: "
          f"median {statistics.median(fresh):.2f} ms")
print(f"target: suite under 1000 ms: {'met' if med < 1000 else 'NOT met'}")
PY
