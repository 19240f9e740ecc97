#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the project's own tests (no /dev/kvm needed) and add up their counts.
# Each test gets a fresh folder of its own, so that none can lean on what
# another left behind or on the order they run in.
# usage: run-tests.sh TEST...
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
skipped=0
report=""
: >"$tmp/skips"

# The closing line: "NAME: N passed, N failed" (the C tests) or
# "NAME: N passed, N failed, N skipped" (the shell tests).
re='^[^ ]*: \([0-9]\{1,\}\) passed, \([0-9]\{1,\}\) failed\(, \([0-9]\{1,\}\) skipped\)\{0,1\}$'

# count TEST STATUS: add up TEST's closing line, its last. A test that
# exits non-zero (a signal included) failed at least once; one that
# counted nothing at all stopped before its checks and failed too.
count() {
	line=$(tail -n 1 "$tmp/out")
	p=$(printf '%s\n' "$line" | sed -n "s/$re/\1/p")
	f=$(printf '%s\n' "$line" | sed -n "s/$re/\2/p")
	s=$(printf '%s\n' "$line" | sed -n "s/$re/\4/p")
	if [ -z "$p" ]; then
		echo "FAIL $1 printed no count (crashed? exit status $2)"
		failed=$((failed + 1))
		return
	fi
	s=${s:-0}
	if [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL $1 counted no check (exit status $2)"
		f=1
	elif [ "$2" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $1 exited with status $2"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	grep '^SKIP ' "$tmp/out" >>"$tmp/skips"
}

i=0
for t in "$@"; do
	i=$((i + 1))
	dir=$tmp/$i.$(basename "$t")
	mkdir "$dir"
	[ "$(basename "$t")" = test_report ] && report=$dir
	"$t" "$dir" >"$tmp/out" 2>&1
	rc=$?
	cat "$tmp/out"
	count "$t" "$rc"
done

# The writers' output must parse with real JSON and XML parsers: the files
# test_report wrote in its own folder (missing ones fail).
if [ -n "$report" ]; then
	for f in "$report/report.json" "$report/report.xml"; do
		if "$(dirname "$0")/parses.sh" "$f"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
else
	echo "SKIP run-tests: report files parse: test_report not among the tests" |
		tee -a "$tmp/skips"
	skipped=$((skipped + 2))
fi

# Skips again at the end, where a reader of the totals sees them; a run
# whose every check skipped passes, and says so.
if [ "$skipped" -gt 0 ]; then
	echo "skipped:"
	sed 's/^SKIP /  /' "$tmp/skips"
	[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] ||
		echo "no check ran here: every one was skipped"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
