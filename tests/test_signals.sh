#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh stopped by SIGINT, SIGTERM or SIGHUP, sent to its PID or to its
# whole process group, during a --vm boot (a fake QEMU that hangs like a
# stuck guest, kernels from a made-up cache: nothing is downloaded) and
# during a native run: each ends within 2 s with exit 128+N, leaves no
# process behind, boots nothing more and leaves earlier --json and --junit
# files byte-identical. Then option errors: exit 2 with the scripts' own
# message, before anything boots. Needs build/xsave-abi; the --vm runs build
# build/xsave-abi-static as run.sh --vm does.
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
t_name=test_signals
. "$(dirname "$0")/check.sh"

d=$tmp/signals
rm -rf "$d"
mkdir -p "$d"
# Every process the runs start carries this in its environment, whatever
# session or process group it ends up in.
mark=XSAVE_ABI_TEST_MARK=$$.$RANDOM
marked() {
	grep -lzxF "$mark" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | paste -sd ' '
}
cleanup() {
	local p
	p=$(marked)
	[ -z "$p" ] || kill -KILL $p 2>/dev/null
}
trap cleanup EXIT

# "No process left" means something only if marked() finds a marked process
# while it runs, and stops finding it once it has gone.
env "$mark" sleep 30 &
probe=$!
for ((i = 0; i < 100; i++)); do
	[ "$(marked)" = "$probe" ] && break
	sleep 0.02
done
seen=$(marked)
kill -KILL "$probe"
wait "$probe" 2>/dev/null
check "setup: marked() finds a marked process ($probe; found: ${seen:-none}), then not" \
	'[ "$seen" = "$probe" ] && [ -z "$(marked)" ]'

# The made-up cache fetch.sh takes offline, and a QEMU that notes its PID
# in boots, one line per start, then hangs.
for k in linux-image-6.12.99+deb12-amd64-unsigned linux-image-6.1.0-99-amd64-unsigned; do
	mkdir -p "$d/cache/$k/mod"
	: >"$d/cache/$k/vmlinuz"
	: >"$d/cache/$k/mod/order"
	: >"$d/cache/$k/mod/order.intel"
	: >"$d/cache/$k/mod/none.ko"
	echo "$k" | sed 's/linux-image-\(6\.[0-9]*\).*/\1/' >"$d/cache/$k/series"
	touch "$d/cache/$k/.ok"
done
mkdir -p "$d/cache/busybox-static"
: >"$d/cache/busybox-static/busybox"
touch "$d/cache/busybox-static/.ok"
cat >"$d/qemu" <<EOF
#!/bin/sh
echo "\$\$ \$(date +%s%N)" >>"$d/boots"
exec sleep 60
EOF
chmod +x "$d/qemu"
# One boot at a time: a signal must stop the run before the next boot.
vmenv=(XSAVE_ABI_CACHE="$d/cache" XSAVE_ABI_OFFLINE=1 XSAVE_ABI_VM_QEMU="$d/qemu"
	XSAVE_ABI_WORK="$d/work" XSAVE_ABI_JOBS=1)

# launch OUT CMD...: CMD in the background, in a session of its own (its PID
# is its process group), every signal at its default (a script's background
# job starts with SIGINT ignored); stdout to OUT, stderr to OUT.err. Sets pid.
launch() {
	local o=$1
	shift
	# So that the checks read this run's stderr or none, never an older one.
	rm -f "$o.err"
	env --default-signal "$mark" "${vmenv[@]}" setsid "$@" >"$o" 2>"$o.err" &
	pid=$!
}

# finish PID S: wait up to S seconds for PID; rc is its exit status, or
# "none" when it had to be killed. (Quiet: no "Hangup" notice from bash.)
finish() {
	local i
	for ((i = 0; i < $2 * 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.02
	done
	rc=none
	kill -KILL "$1" 2>/dev/null || { wait "$1"; rc=$?; }
} 2>/dev/null

# settle T0: wait until no marked process is left, up to 2 s after T0 (ns);
# prints those left.
settle() {
	local left
	while left=$(marked) && [ -n "$left" ] && [ $(($(date +%s%N) - $1)) -lt 2000000000 ]; do
		sleep 0.02
	done
	echo "$left"
}

# gone PID: PID has ended (a zombie waiting for its reaper has ended).
gone() {
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" = Z ]
}

# earlier DIR: DIR holds an earlier report in r.json and r.xml.
earlier() {
	rm -rf "$1"
	mkdir -p "$1"
	printf 'earlier json\n' >"$1/r.json"
	printf 'earlier junit\n' >"$1/r.xml"
}
# unchanged DIR: those two files, byte-identical, and no other file.
unchanged() {
	cmp -s "$1/r.json" <(printf 'earlier json\n') && cmp -s "$1/r.xml" <(printf 'earlier junit\n') &&
		[ "$(ls -A "$1" | paste -sd ' ')" = "r.json r.xml" ]
}

# booted: wait (up to 30 s) for the fake QEMU to start, while pid runs.
booted() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -s "$d/boots" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -s "$d/boots" ]
}

# signal SIG TO: SIG to run.sh's PID (TO pid) or its process group (group).
signal() {
	if [ "$2" = pid ]; then
		kill -s "$1" "$pid"
	else
		kill -s "$1" -- -"$pid"
	fi
}

# stopped WHAT SIG N T0 T1 DIR ERR: the checks every run signalled at T0
# and ended at T1 (ns) must pass; ERR is its stderr.
stopped() {
	local what=$1 sig=$2 want=$((128 + $3)) t0=$4 dir=$6 err=$7 ms left
	ms=$((($5 - t0) / 1000000))
	left=$(settle "$t0")
	check "$what: exit $want (got $rc) within 2 s of SIG$sig (took $ms ms)" \
		'[ "$rc" = "$want" ] && [ $ms -lt 2000 ]'
	check "$what: no process left within 2 s (left: $left)" \
		'[ -n "$pid" ] && [ -z "$left" ] && ! ps -o stat= -s "$pid" | grep -qv "^Z"'
	check "$what: earlier reports byte-identical, no temporary file ($(ls -A "$dir" | paste -sd ' '))" \
		'unchanged "$dir"'
	check "$what: no message from bash ($(grep -m 1 'line [0-9]*:' "$err"))" \
		'[ -f "$err" ] && ! grep -q "line [0-9]*:" "$err"'
}

# A --vm run with two kernels, signalled during the first boot.
vm_signal() {
	local sig=$1 n=$2 to=$3 what="--vm, SIG$1 to run.sh's $3" o=$d/vm-$1-$3 r=$d/rep-$1-$3 q t0
	earlier "$r"
	: >"$d/boots"
	launch "$o" "$top/run.sh" --vm 6.12 6.1 --no-upstream --json "$r/r.json" --junit "$r/r.xml"
	if ! booted; then
		check "$what: setup: the fake QEMU never started: $(tail -n 3 "$o.err")" false
		cleanup
		return
	fi
	read -r q _ <"$d/boots"
	t0=$(date +%s%N)
	signal "$sig" "$to"
	finish "$pid" 5
	stopped "$what" "$sig" "$n" "$t0" "$(date +%s%N)" "$r" "$o.err"
	check "$what: the fake QEMU ($q) is gone" 'gone "$q"'
	check "$what: nothing else booted ($(wc -l <"$d/boots") boots)" '[ "$(wc -l <"$d/boots")" = 1 ]'
	cleanup
}

# A native run signalled right after its first result. A run that ended
# before the signal got to it proves nothing: it is tried again, twice.
native_signal() {
	local sig=$1 n=$2 to=$3 what="native, SIG$1 to run.sh's $3" o=$d/native-$1-$3 r=$d/nrep-$1-$3
	local try line t0 t1 drain code
	for try in 1 2 3; do
		earlier "$r"
		rm -f "$d/fifo"
		mkfifo "$d/fifo"
		: >"$o"
		launch "$d/fifo" "$top/run.sh" --no-build --seed 1 --json "$r/r.json" --junit "$r/r.xml"
		exec 3<"$d/fifo"
		t0=""
		while IFS= read -r -t 10 line <&3; do
			printf '%s\n' "$line" >>"$o"
			case "$line" in "ok 1 "*)
				t0=$(date +%s%N)
				signal "$sig" "$to"
				break
				;;
			esac
		done
		cat <&3 >>"$o" &
		drain=$!
		exec 3<&-
		finish "$pid" 5
		t1=$(date +%s%N)
		code=$rc
		finish "$drain" 2
		rc=$code
		# The harness at its end before the signal, and run.sh stopped
		# by it all the same: the run is no test, try again.
		[ -n "$t0" ] && { [ "$rc" != $((128 + n)) ] || ! grep -q '^# Totals:' "$o"; } && break
		cleanup
		[ -n "$t0" ] || break
	done
	if [ -z "$t0" ]; then
		check "$what: setup: no 'ok 1' line: $(tail -n 2 "$d/fifo.err")" false
	elif [ "$rc" = $((128 + n)) ] && grep -q '^# Totals:' "$o"; then
		check "$what: setup: the run ended before the signal, 3 times" false
	else
		stopped "$what" "$sig" "$n" "$t0" "$t1" "$r" "$d/fifo.err"
	fi
	cleanup
}

for s in INT:2 TERM:15 HUP:1; do
	for to in pid group; do
		vm_signal "${s%:*}" "${s#*:}" "$to"
		native_signal "${s%:*}" "${s#*:}" "$to"
	done
done

# vm/vm.sh on its own, SIGTERM to its PID: QEMU goes too.
: >"$d/boots"
earlier "$d/rep-vm"
launch "$d/vm" "$top/vm/vm.sh" 6.12 6.1 --no-upstream --json "$d/rep-vm/r.json" \
	--junit "$d/rep-vm/r.xml"
booted
q=""
read -r q _ <"$d/boots"
t0=$(date +%s%N)
kill -TERM "$pid"
finish "$pid" 5
stopped "vm.sh, SIGTERM to its PID" TERM 15 "$t0" "$(date +%s%N)" "$d/rep-vm" "$d/vm.err"
check "vm.sh, SIGTERM to its PID: the fake QEMU (${q:-never started}) is gone, nothing else booted" \
	'[ -n "$q" ] && gone "$q" && [ "$(wc -l <"$d/boots")" = 1 ]'
cleanup

# A guest that hangs is still killed once --vm-timeout is up, and reported.
: >"$d/boots"
launch "$d/limit" "$top/run.sh" --vm 6.12 --no-upstream --vm-timeout 1
finish "$pid" 20
q=""
read -r q _ <"$d/boots"
check "--vm-timeout 1: the hung machine reported, exit 1 (got $rc)" \
	'[ "$rc" = 1 ] && grep -qxF "  # error: no results: QEMU killed after 1 s" "$d/limit"'
check "--vm-timeout 1: the fake QEMU (${q:-never started}) is gone" '[ -n "$q" ] && gone "$q"'
cleanup

# refused WHAT WANT ARGS...: run.sh ARGS exits 2 with WANT on stderr, no
# message from bash itself, and boots nothing.
refused() {
	local what=$1 want=$2 e=$d/refused.err
	shift 2
	: >"$d/boots"
	launch "$d/refused" "$top/run.sh" "$@"
	finish "$pid" 60
	check "$what: exit 2 (got $rc) with '$want' ($(head -n 3 "$e" | paste -sd ' '))" \
		'[ "$rc" = 2 ] && grep -qF -- "$want" "$e"'
	check "$what: no message from bash itself" '[ -f "$e" ] && ! grep -q "line [0-9]*:" "$e"'
	check "$what: nothing booted (exit $rc)" \
		'[ "$rc" = 2 ] && [ -f "$d/boots" ] && [ ! -s "$d/boots" ]'
	cleanup
}
refused "--vm-timeout 0" "vm: --vm-timeout: '0' is not a whole number of seconds from 1 to 86400" \
	--vm --vm-timeout 0
refused "--vm-timeout x" "vm: --vm-timeout: 'x' is not" --vm --vm-timeout x
refused "--vm-timeout 86401" "vm: --vm-timeout: '86401' is not" --vm --vm-timeout 86401
refused "--vm-timeout without a value" "vm: --vm-timeout needs a value" --vm --vm-timeout
refused "-t without a value" "vm: -t needs a value" --vm 6.12 -t
refused "an unknown kernel" "vm: unknown kernel 'bogus': KERNEL is 5.10, 6.1, 6.12, latest, all" --vm bogus
refused "--json in /proc" "/proc/x.json" --vm --no-upstream --json /proc/x.json

# xsave-abi compose's --json and --junit: a regular file is replaced whole, through
# a symlink too (the link stays), a character device or FIFO written in
# place, a folder refused. One run folder of a machine that never reported.
c=$d/compose
mkdir -p "$c/run" "$c/out"
echo 6.12 >"$c/run/label"
echo linux-image-6.12-test >"$c/run/package"
echo "qemu-tcg cpu=max" >"$c/run/machine"
echo 5 >"$c/run/wall_ms"
echo "no results: QEMU killed after 1 s" >"$c/run/error"
: >"$c/run/console.log"
compose() { "$XSAVE_ABI" compose "$@" "$c/run" >/dev/null 2>"$c/err"; }
echo old >"$c/out/old.json"
echo old >"$c/out/target.xml"
ln -s target.xml "$c/out/link.xml"
compose --json "$c/out/old.json" --junit "$c/out/link.xml"
check "compose: a regular file replaced, a symlink's target too, the link kept" \
	'grep -q "^{\"tool\":\"xsave-abi\"" "$c/out/old.json" && [ -L "$c/out/link.xml" ] &&
	 grep -q "^<?xml" "$c/out/target.xml" &&
	 [ "$(ls -A "$c/out" | paste -sd " ")" = "link.xml old.json target.xml" ]'
mkfifo "$c/fifo"
timeout 10 cat "$c/fifo" >"$c/from-fifo" &
# A FIFO with no reader yet is refused at once: let cat open it.
sleep 0.2
compose --json "$c/fifo" --junit /dev/null
finish $! 10
check "compose: a FIFO and /dev/null written in place" \
	'grep -q "^{\"tool\"" "$c/from-fifo" && [ -p "$c/fifo" ] && [ -c /dev/null ]'
mkdir "$c/dir.json"
compose --json "$c/dir.json"
rc=$?
check "compose: a folder refused, exit 2 (got $rc: $(cat "$c/err"))" \
	'[ $rc = 2 ] && grep -qF "$c/dir.json: Is a directory" "$c/err" &&
	 [ -d "$c/dir.json" ] && [ -z "$(ls -A "$c/dir.json")" ] &&
	 l=$(ls "$c") && [ -n "$l" ] && ! grep -q tmp <<<"$l"'

cleanup

t_done
