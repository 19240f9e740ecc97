#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Peak memory of xsave-abi compat against the size of what it reads: this
# host's report and a real run's JSON, and hostile reports of SIZE bytes
# (default just under 4 MiB) that pack as many JSON values as they can.
# Each input is compared with this host's report (about 1 KB); the ratio is
# peak RSS over the two files' sizes. Small inputs' ratios are the process's
# own footprint, not the input's; for large ones the target is under 8.
set -eu
bin=${1:-build/xsave-abi}
size=${SIZE:-$((4 * 1024 * 1024 - 4096))}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" host --json "$tmp/host.json"
# A real run; without a usable /dev/kvm its results are skips, still real.
"$bin" --seed 1 --json "$tmp/run.json" >/dev/null 2>&1 || [ $? -le 4 ]

python3 - "$tmp" "$size" <<'PY'
import json, sys

tmp, size = sys.argv[1], int(sys.argv[2])
host = json.load(open(tmp + "/host.json"))
base = json.dumps(dict(host, pad=0), separators=(",", ":"))
room = size - len(base)
deep = "[" * 28 + "0" + "]" * 28	# within the old reader's 32 levels too

def array(unit):
    return "[" + ",".join([unit] * (room // (len(unit) + 1))) + "]"

for name, pad in (("numbers", array("0")), ("nesting", array(deep)),
                  ("strings", array('""')), ("objects", array("{}")),
                  ("long_string", '"' + "x" * room + '"')):
    open(f"{tmp}/{name}.json", "w").write(base.replace('"pad":0', '"pad":' + pad))
PY

# measure ARGS...: "STATUS PEAK_KIB" of running ARGS; its stderr in $tmp/err.
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%x %M" -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || :
		tail -n 1 "$tmp/rss"
		return
	fi
	# Python's own footprint, inherited by the child until exec, is a floor.
	python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL,
                    stderr=open(sys.argv[1], "w")).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$tmp/err" "$@"
}

printf '%-12s %9s %4s %12s %6s  %s\n' input bytes exit "peak RSS KiB" ratio stderr
for name in host run numbers nesting strings objects long_string; do
	f=$tmp/$name.json
	bytes=$(($(stat -c %s "$f") + $(stat -c %s "$tmp/host.json")))
	read -r rc kib < <(measure "$bin" compat "$f" "$tmp/host.json")
	printf '%-12s %9d %4d %12d %6s  %.80s\n' "$name" "$bytes" "$rc" "$kib" \
		"$(awk "BEGIN { printf \"%.1f\", $kib * 1024 / $bytes }")" \
		"$(head -n 1 "$tmp/err" | sed 's/^xsave-abi compat: [^:]*: //')"
done
