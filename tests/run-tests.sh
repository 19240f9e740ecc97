#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the project's own tests (no /dev/kvm needed) and add up their counts.
# usage: run-tests.sh TEST_BINARY...
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# count TEST STATUS: add up TEST's "NAME: N passed, N failed" line, its
# last; a test that exits non-zero (a signal included) failed at least once.
count() {
	line=$(tail -n 1 "$tmp/out")
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "FAIL $1 printed no count (crashed? exit status $2)"
		failed=$((failed + 1))
		return
	fi
	if [ "$2" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $1 exited with status $2"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in "$@"; do
	"$t" "$tmp" >"$tmp/out" 2>&1
	rc=$?
	cat "$tmp/out"
	count "$t" "$rc"
done

# The writers' output must parse with real JSON and XML parsers.
for f in "$tmp/report.json" "$tmp/report.xml"; do
	if "$(dirname "$0")/parses.sh" "$f"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
