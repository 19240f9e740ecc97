#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi: build what is missing (installing Debian packages as root),
# then run the suite on this host. Options go to the harness.
set -u
cd "$(dirname "$0")" || exit 2
bin=build/xsave-abi

usage() {
	cat <<USAGE
usage: ./run.sh [--no-build] [harness options]
Builds build/xsave-abi if needed (make), then runs it natively; its KTAP
goes to stdout and its exit status is this script's.
  --no-build   run the binary as it is
Harness options:
USAGE
	[ -x "$bin" ] && "$bin" --help | sed -n '/^  /p'
}

build=1
args=()
for a in "$@"; do
	case "$a" in
	--no-build) build=0 ;;
	-h|--help) usage; exit 0 ;;
	--vm)
		echo "run.sh: --vm, the run inside an emulated machine, is not in this version yet" >&2
		exit 2
		;;
	*) args+=("$a") ;;
	esac
done

if [ "$build" = 1 ]; then
	make -s all >&2 || { echo "run.sh: build failed" >&2; exit 2; }
fi
[ -x "$bin" ] || { echo "run.sh: $bin is missing: run make" >&2; exit 2; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" "${args[@]}" | tee "$out"
rc=${PIPESTATUS[0]}

# Guest-side cases skip on hosts whose KVM cannot run guest XSAVE or PKU.
skipped=$(grep -E '^ok [0-9]+ (xsave|pkru)\.[^ ]+ # SKIP' "$out" | awk '{print $3}')
if [ -n "$skipped" ]; then
	n=$(echo "$skipped" | wc -l)
	reason=$(grep -E '^ok [0-9]+ (xsave|pkru)\.[^ ]+ # SKIP' "$out" | head -n 1 |
		sed 's/.* # SKIP //')
	{
		echo "run.sh: $n guest-side case(s) skipped on this host: $reason"
		echo "run.sh: skipped: $(echo $skipped)"
		echo "run.sh: an emulated machine with PKU (./run.sh --vm) is planned to run them;"
		echo "run.sh: until then run the suite on a host whose KVM offers XSAVE and PKU to guests."
	} >&2
fi
# One plain closing line: passed counts XFAIL and XPASS, failed counts errors.
awk '/^# Totals:/ {
	for (i = 3; i <= NF; i++) { split($i, kv, ":"); n[kv[1]] = kv[2] }
	printf "xsave-abi: %d passed, %d failed, %d skipped\n",
		n["pass"] + n["xfail"] + n["xpass"], n["fail"] + n["error"], n["skip"]
}' "$out" >&2
exit "$rc"
