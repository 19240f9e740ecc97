#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What the harness writes, as a hostile or careless user points it: special
# files are written in place or refused and never replaced, a failed or
# interrupted run leaves an earlier report byte-identical with no temporary
# file beside it, every write to stdout is checked, and bad numbers are
# refused naming the option. Needs build/xsave-abi (XSAVE_ABI names another)
# and root for mknod.
set -u
tmp=$1
bin=$(realpath "${XSAVE_ABI:-$(dirname "$0")/../build/xsave-abi}")
t_name=test_outputs
. "$(dirname "$0")/check.sh"

d=$tmp/outputs
rm -rf "$d"
mkdir -p "$d"
cd "$d" || exit 1
quick=(-g host --seed 1)	# cases that need no guest XSAVE, in well under 1 s

# no_tmp: no temporary file in $d; a listing that failed shows none either.
no_tmp() {
	local l
	l=$(ls -a "$d") && [ -n "$l" ] && ! grep -q 'tmp-' <<<"$l"
}

# Special targets: each stays what it was.
mknod null c 1 3
"$bin" host --json null >out 2>err
rc=$?
check "host --json on a character device: exit 0 (got $rc), still a device" \
	'[ $rc = 0 ] && [ -c null ]'
"$bin" "${quick[@]}" --json null --junit /dev/null >out 2>err
rc=$?
check "--json on a device node, --junit /dev/null: exit 0 (got $rc: $(head -c 200 err))" \
	'[ $rc = 0 ] && [ -c null ] && [ -c /dev/null ]'
mkfifo fifo
timeout 10 "$bin" host --json fifo >out 2>err
rc=$?
check "a FIFO nobody reads: refused at once, exit 2 (got $rc)" \
	'[ $rc = 2 ] && grep -qF "fifo: a FIFO that nobody reads" err && [ -p fifo ]'
timeout 10 cat fifo >fifo.got &
reader=$!
sleep 0.2
timeout 10 "$bin" host --json fifo >out 2>err
rc=$?
wait $reader
check "a FIFO with a reader: written in place (got $rc)" \
	'[ $rc = 0 ] && [ -p fifo ] && python3 -m json.tool fifo.got >/dev/null'
timeout 10 cat fifo >fifo.got &
reader=$!
sleep 0.2
"$bin" --list --json fifo >out 2>err
rc=$?
sleep 0.2
check "--list checks a FIFO without opening it: its reader sees no end (got $rc)" \
	'[ $rc = 0 ] && kill -0 $reader 2>/dev/null'
echo done >fifo
wait $reader
echo old >target.json
ln -s target.json link.json
"$bin" host --json link.json >out 2>err
rc=$?
check "a symlink to a report: the link stays, its target is replaced (got $rc)" \
	'[ $rc = 0 ] && [ -L link.json ] && python3 -m json.tool target.json >/dev/null && no_tmp'
"$bin" host --json /dev/stdout >out 2>err
rc=$?
check "host --json /dev/stdout: the report on stdout (got $rc)" \
	'[ $rc = 0 ] && python3 -m json.tool out >/dev/null'
mkdir dir
"$bin" host --json dir >out 2>err
rc=$?
check "a folder: exit 2 naming it (got $rc)" \
	'[ $rc = 2 ] && grep -qF "dir: Is a directory" err'

# An earlier report survives every failure, byte for byte.
echo '{"earlier": true}' >report.json
cp report.json report.orig
same() { cmp -s report.json report.orig && no_tmp; }
bad_report() {
	local what=$1 want=$2

	shift 2
	"$bin" "$@" >out 2>err
	rc=$?
	check "$what: exit 2 (got $rc) with '$want', report.json untouched" \
		'[ $rc = 2 ] && grep -qF -- "$want" err && same'
}
bad_report "--junit in a missing folder" "none/x.xml: No such file or directory" \
	"${quick[@]}" --json report.json --junit none/x.xml
bad_report "--junit in /proc" "/proc/x.xml: " \
	"${quick[@]}" --json report.json --junit /proc/x.xml
bad_report "the same file twice" "name the same file" \
	"${quick[@]}" --json report.json --junit ./report.json
bad_report "the same file through a link" "name the same file" \
	"${quick[@]}" --json target.json --junit link.json
bad_report "--list checks the paths too" "none/x.xml: No such file" \
	--list --json report.json --junit none/x.xml
"$bin" "${quick[@]}" --json report.json >&- 2>err
rc=$?
check "stdout closed: exit 2 (got $rc), the report not taking its place" \
	'[ $rc = 2 ] && grep -qF "standard output is closed" err && same'
"$bin" "${quick[@]}" --json report.json >/dev/full 2>err
rc=$?
check "KTAP to a full device: exit 1 (got $rc) naming stdout and ENOSPC" \
	'[ $rc = 1 ] && grep -qF "standard output: No space left on device" err'

# Interrupted: every ioctl slowed down so the signal lands mid-run.
cp report.orig report.json
for sig in INT TERM HUP; do
	strace -f -qq -o /dev/null -e trace=ioctl -e inject=ioctl:delay_enter=5000 \
		"$bin" --seed 1 --json report.json --junit report.xml >out 2>err 3>&- &
	tracer=$!
	for _ in $(seq 50); do
		grep -q '^ok 3 ' out && break
		sleep 0.1
	done
	pid=$(pgrep -P $tracer)
	kids=$(pgrep -P "${pid:-0}")
	kill -s $sig "${pid:-0}"
	timeout 5 tail --pid=$tracer -f /dev/null
	{ wait $tracer; } 2>/dev/null
	rc=$?
	# The tracer holds a killed case through its delayed ioctls first.
	for _ in $(seq 30); do
		kill -0 ${kids:-$pid} 2>/dev/null || break
		sleep 0.1
	done
	check "SIG$sig mid-run (at: $(grep -c '^ok' out) cases): dies by it (got $rc), its case gone, report untouched, no report.xml" \
		'[ -n "$pid" ] && [ $rc = $((128 + $(kill -l $sig))) ] && same &&
		 [ ! -e report.xml ] && ! kill -0 ${kids:-$pid} 2>/dev/null'
done 2>/dev/null	# bash's own note of each job the signal ended

# Every subcommand checks its stdout.
for args in "-g host" "--list" "--help" "--version" "host" "host --help" \
	"compat --help" "state --help"; do
	# shellcheck disable=SC2086
	"$bin" $args >/dev/full 2>err
	rc=$?
	check "xsave-abi $args >/dev/full: exit 1 (got $rc)" \
		'[ $rc = 1 ] && grep -qF "standard output: No space left on device" err'
done

# Numbers: decimal digits in range, the error naming option, value, range.
bad_number() {
	local opt=$1 value=$2 range=$3

	shift 3
	"$bin" "$@" "$opt" "$value" >out 2>err
	rc=$?
	check "$* $opt '$value': exit 2 (got $rc) naming it and $range" \
		'[ $rc = 2 ] && grep -qF -- "$opt: '"'"'$value'"'"' is not a whole number from $range" err && [ ! -s out ]'
}
bad_number --seed -1 "0 to 18446744073709551615" --list
bad_number --seed 010 "0 to 18446744073709551615" --list
bad_number --seed 18446744073709551616 "0 to 18446744073709551615" --list
bad_number --timeout " -18446744073709551615" "1 to 3600" --list
bad_number --timeout 0 "1 to 3600" --list
bad_number --timeout 3601 "1 to 3600" --list
bad_number --seed 0x10 "0 to 18446744073709551615" state save x.state
check "state save with a bad seed made no file (exit $rc)" \
	'[ $rc = 2 ] && grep -qF -- "--seed: '"'"'0x10'"'"'" err && [ ! -e x.state ]'
"$bin" --list --seed 18446744073709551615 --timeout 3600 >out 2>err
rc=$?
check "the largest values are accepted (got $rc)" '[ $rc = 0 ]'
"$bin" state --help >out 2>err
rc=$?
check "state --help: usage on stdout, exit 0 (got $rc)" \
	'[ $rc = 0 ] && grep -q "^usage: xsave-abi state" out'

t_done
