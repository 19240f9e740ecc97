#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi state save/load as a user runs them: a state saved by one process
# and loaded by another, and files that must be refused with exit 2 before
# any VM exists (no KVM_CREATE_VM, checked with strace). The format itself
# is test_xs_file's. Needs build/xsave-abi (XSAVE_ABI names another).
set -u
tmp=$1
bin=${XSAVE_ABI:-$(dirname "$0")/../build/xsave-abi}
t_name=test_state_cli
. "$(dirname "$0")/check.sh"

d=$tmp/state
mkdir -p "$d"

# refused WHAT REASON FILE: load exits 2 with REASON and creates no VM.
refused() {
	local want=$2

	strace -f -qq -e trace=ioctl -o "$d/trace" "$bin" state load "$3" >"$d/out" 2>"$d/err"
	rc=$?
	check "$1: exit 2 (got $rc) with '$want'" '[ $rc = 2 ] && grep -qF -- "$want" $d/err'
	check "$1: no VM created" '! grep -q KVM_CREATE_VM $d/trace'
}

: >"$d/empty"
printf 'NOTSTATEFILE0123456789' >"$d/magic"
refused "an empty file" "empty file" "$d/empty"
refused "wrong magic" "magic" "$d/magic"
refused "no such file" "No such file" "$d/none"
"$bin" state >/dev/null 2>"$d/err"
rc=$?
check "no arguments: usage, exit 2 (got $rc)" '[ $rc = 2 ] && grep -q "^usage: xsave-abi state" $d/err'

if "$bin" host | grep -q '^# /dev/kvm: usable'; then
	"$bin" state save "$d/s.state" --seed 7 >"$d/save" 2>&1
	rc=$?
	check "save exits 0 (got $rc: $(head -c 300 $d/save))" '[ $rc = 0 ] && [ -s $d/s.state ]'
	check "save leaves no temporary file" '[ -z "$(ls $d | grep tmp-)" ]'
	"$bin" state load "$d/s.state" >"$d/load" 2>&1
	rc=$?
	check "load in another process exits 0 (got $rc)" \
		'[ $rc = 0 ] && grep -q "^ok 1 x87$" $d/load && grep -q "^# 0 component(s) differ" $d/load'
	cp "$d/s.state" "$d/flip.state"
	printf '\x5a' | dd of="$d/flip.state" bs=1 seek=100 conv=notrunc status=none
	refused "one byte changed" "checksum" "$d/flip.state"
	head -c 60 "$d/s.state" >"$d/cut.state"
	refused "cut inside the header" "truncated" "$d/cut.state"
	"$bin" state save "$d/none/x.state" >/dev/null 2>"$d/err"
	rc=$?
	check "save to a missing folder: exit 1 (got $rc), nothing written" \
		'[ $rc = 1 ] && [ ! -e $d/none ]'
else
	echo "test_state_cli: save/load round trip skipped: /dev/kvm not usable here"
fi
t_done
