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
# A state file or trace an earlier run left must not stand in for this one's.
rm -rf "$d"
mkdir -p "$d"

# resealed IN OUT FIELD VALUE: IN with its XCR0 field or the blob's MXCSR
# set to VALUE and the checksum made good again (xs/xs_file.h's layout).
resealed() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
src, dst, field, value = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0)
b = bytearray(open(src, 'rb').read())
if field == 'xcr0':
    struct.pack_into('<Q', b, 32, value)
else:
    p = 56
    for entry in (1, 1, 16, 16):	# release, vendor, layout, XCRs
        n, = struct.unpack_from('<I', b, p)
        p += 4 + n * entry
    struct.pack_into('<I', b, p + 4 + 24, value)
struct.pack_into('<I', b, len(b) - 4, zlib.crc32(bytes(b[:-4])))
open(dst, 'wb').write(b)
PY
}

# trace_size: how much trace strace left, for a failing check to show.
trace_size() {
	if [ -f "$d/trace" ]; then
		echo "$(wc -l <"$d/trace") lines"
	else
		echo missing
	fi
}

# refused WHAT REASON FILE: load exits 2 with REASON and creates no VM.
# "No VM" counts only when strace saw the process to its exit_group(2): a
# trace that is missing, empty or cut short would hold no KVM_CREATE_VM too.
refused() {
	local want=$2

	rm -f "$d/trace"
	strace -f -qq -e trace=ioctl,exit_group -o "$d/trace" "$bin" state load "$3" \
		>"$d/out" 2>"$d/err"
	rc=$?
	check "$1: exit 2 (got $rc) with '$want'" '[ $rc = 2 ] && grep -qF -- "$want" $d/err'
	check "$1: no VM created (trace: $(trace_size))" \
		'[ -s $d/trace ] && grep -q "^[0-9]*  *exit_group(2) " $d/trace &&
		 ! grep -q KVM_CREATE_VM $d/trace'
}

: >"$d/empty"
printf 'NOTSTATEFILE0123456789' >"$d/magic"
refused "an empty file" "empty file" "$d/empty"
refused "wrong magic" "magic" "$d/magic"
refused "no such file" "No such file" "$d/none"
"$bin" state >/dev/null 2>"$d/err"
rc=$?
check "no arguments: usage, exit 2 (got $rc)" '[ $rc = 2 ] && grep -q "^usage: xsave-abi state" $d/err'
for m in 0x206 207 0x 0x12345678901234567; do
	"$bin" state save "$d/m.state" --xcr0 "$m" >/dev/null 2>"$d/err"
	rc=$?
	check "save --xcr0 $m: exit 2 (got $rc) naming the mask, nothing written" \
		'[ $rc = 2 ] && grep -qF -- "--xcr0: '"'"'$m'"'"'" $d/err && [ ! -e $d/m.state ]'
done

if "$bin" host | grep -q '^# /dev/kvm: usable'; then
	"$bin" state save "$d/s.state" --seed 7 >"$d/save" 2>&1
	rc=$?
	check "save exits 0 (got $rc: $(head -c 300 $d/save))" '[ $rc = 0 ] && [ -s $d/s.state ]'
	"$bin" state save "$d/x.state" --seed 7 --xcr0 0x3 >"$d/save3" 2>&1
	rc=$?
	check "save --xcr0 0x3: the vCPU's XCR0 limited to x87 and SSE (got $rc: $(head -c 200 $d/save3))" \
		'[ $rc = 0 ] && grep -q "XCR0 0x\(1\|3\)," $d/save3'
	"$bin" state save "$d/y.state" --xcr0 0x3 --seed 7 >"$d/save4" 2>&1
	rc=$?
	check "save --xcr0 before --seed: the same file (got $rc: $(head -c 200 $d/save4))" \
		'[ $rc = 0 ] && cmp -s $d/x.state $d/y.state'
	check "save leaves no temporary file" \
		'[ $rc = 0 ] && [ -s $d/s.state ] && l=$(ls -a $d) && ! grep -q tmp- <<<"$l"'
	"$bin" state load "$d/s.state" >"$d/load" 2>&1
	rc=$?
	check "load in another process exits 0 (got $rc)" \
		'[ $rc = 0 ] && grep -q "^ok 1 x87$" $d/load && grep -q "^# 0 component(s) differ" $d/load'
	cp "$d/s.state" "$d/flip.state"
	printf '\x5a' | dd of="$d/flip.state" bs=1 seek=100 conv=notrunc status=none
	refused "one byte changed" "checksum" "$d/flip.state"
	head -c 60 "$d/s.state" >"$d/cut.state"
	refused "cut inside the header" "truncated" "$d/cut.state"
	resealed "$d/s.state" "$d/mxcsr.state" mxcsr 0x11f80
	refused "MXCSR with bit 16 set" "MXCSR 0x00011f80 has bits 16-31 set" "$d/mxcsr.state"
	resealed "$d/s.state" "$d/avx.state" xcr0 0x5
	refused "XCR0 with AVX, without SSE" "XCR0 0x5 has AVX without SSE" "$d/avx.state"
	# Without /dev/kvm: the suite's message, not a destination XCR0 of 0.
	unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0" state load "$1"' \
		"$bin" "$d/s.state" >"$d/out" 2>"$d/err"
	rc=$?
	check "load without /dev/kvm: exit 2 (got $rc) naming /dev/kvm" \
		'[ $rc = 2 ] && grep -qx "xsave-abi state load: /dev/kvm not present" $d/err'
	"$bin" state save "$d/none/x.state" >/dev/null 2>"$d/err"
	rc=$?
	check "save to a missing folder: exit 2 (got $rc) before any VM, nothing written" \
		'[ $rc = 2 ] && grep -qF "$d/none/x.state: No such file or directory" $d/err && [ ! -e $d/none ]'
else
	skip "save/load round trip and the refusals of edited state files" \
		"/dev/kvm not usable here ($("$bin" host 2>&1 | grep -m 1 "^# /dev/kvm: " || echo "xsave-abi host printed no /dev/kvm line"))"
fi
t_done
