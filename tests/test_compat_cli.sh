#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi host and compat as a user runs them: this host's report against
# itself, a run's output, hazards end to end, its command line, a failed
# write to stdout, and exit status 2 for bad input (forged lines, duplicate
# keys, files too large or too dense). The rules themselves are test_compat's. Needs build/xsave-abi
# (make; XSAVE_ABI names another); without it the checks are skipped, and
# the skip counted.
set -u
tmp=$1
bin=${XSAVE_ABI:-$(dirname "$0")/../build/xsave-abi}
t_name=test_compat_cli
. "$(dirname "$0")/check.sh"

# edit OUT EXPR: this host's report with a Python statement applied to h.
edit() {
	python3 - "$tmp/host.json" "$1" "$2" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(h, open(sys.argv[2], 'w'))
PY
}

if [ ! -x "$bin" ]; then
	skip "host and compat" "no $bin (make builds it)"
	t_done
fi
d=$tmp/compat
# Nothing from an earlier run may stand in for a file this run failed to write.
rm -rf "$d" "$tmp/host.json"
mkdir -p "$d"

"$bin" host --json "$tmp/host.json"
rc=$?
check "host --json exits 0, /dev/kvm or not (got $rc)" '[ $rc = 0 ]'
check "the report is JSON with what compat reads" "python3 - '$tmp/host.json' <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
assert h['tool'] == 'xsave-abi' and h['kvm'] in ('usable', 'not present', 'not accessible')
for k in ('kernel', 'cpu_vendor', 'kvm_supported_xcr0', 'xsave2_size', 'host_pku',
          'host_ospke', 'guest_pku', 'xstate_layout'):
    assert k in h, k
PY"
check "host alone prints the report lines" '"$bin" host | grep -q "^# kernel: "'

# A host against itself: only its own kernel or a missing KVM are hazards.
"$bin" compat "$tmp/host.json" "$tmp/host.json" >"$d/self" 2>&1
rc=$?
# Status 0 with its one line, or 1 with at least one hazard and none other
# than kernel or kvm: an empty output is neither.
check "compat of a host with itself: 0, or 1 for kernel or kvm only (got $rc)" \
	'{ [ $rc = 0 ] && [ "$(wc -l <$d/self)" = 1 ]; } ||
	 { [ $rc = 1 ] && grep -q "^hazard:" $d/self &&
	   ! grep "^hazard:" $d/self | grep -vq "^hazard: \(kernel\|kvm\):"; }'
check "the first line names both files" \
	'head -n 1 $d/self | grep -qF "compat: $tmp/host.json -> $tmp/host.json: "'
edit "$d/run.json" "h = {'tool': 'xsave-abi', 'host': h, 'results': []}"
"$bin" compat "$d/run.json" "$tmp/host.json" >/dev/null
rc2=$?
check "a run's --json output reads as its host (got $rc2)" '[ $rc2 = $rc ]'
"$bin" -g ptrace -g sigreturn --seed 1 --json "$d/real-run.json" >/dev/null
"$bin" compat "$d/real-run.json" "$tmp/host.json" >/dev/null
rc2=$?
check "a real run's --json output reads as its host (got $rc2)" '[ $rc2 = $rc ]'
"$bin" compat -- "$tmp/host.json" "$tmp/host.json" >"$d/out" 2>&1
rc2=$?
check "compat -- SRC DST: -- ends the options (got $rc2)" \
	'[ $rc2 = $rc ] && cmp -s $d/out $d/self'
"$bin" compat --help >"$d/out" 2>"$d/err"
rc2=$?
check "compat --help: exit 0 (got $rc2), usage on stdout" \
	'[ $rc2 = 0 ] && head -n 1 $d/out | grep -q "^usage: xsave-abi compat " &&
	 [ -f $d/err ] && [ ! -s $d/err ]'

# A compatible pair, so that only a failed write can make the status 1.
edit "$d/ok.json" "h['kernel'] = '6.12.0'; h['kvm'] = 'usable'"
"$bin" compat "$d/ok.json" "$d/ok.json" >/dev/null
rc=$?
check "compatible hosts exit 0 (got $rc)" '[ $rc = 0 ]'
"$bin" compat "$d/ok.json" "$d/ok.json" >/dev/full 2>"$d/err"
rc=$?
check "stdout on a full device: exit 1 (got $rc), the reason on stderr" \
	'[ $rc = 1 ] && grep -q "standard output: No space left on device" $d/err'

edit "$d/vendor.json" "h['cpu_vendor'] = 'OtherVendor'"
"$bin" compat "$tmp/host.json" "$d/vendor.json" >"$d/out"
rc=$?
check "a hazard exits 1 (got $rc)" \
	'[ $rc = 1 ] && grep -q "^hazard: vendor (informational): " $d/out'

# bad_input WHAT STDERR ARGS...: exit 2 with the reason on stderr.
bad_input() {
	local what=$1 want=$2

	shift 2
	"$bin" "$@" >"$d/out" 2>"$d/err"
	rc=$?
	check "$what: exit 2 (got $rc), reason on stderr" \
		'[ $rc = 2 ] && grep -qF "$want" $d/err && [ -f $d/out ] && [ ! -s $d/out ]'
}
printf '{"kernel":' >"$d/trunc.json"
edit "$d/nopku.json" "del h['guest_pku']"
# A newline in a string would print a line of its own: "hazard: ..." forged.
edit "$d/forged.json" "h['kernel'] += '\\nhazard: pku: forged'"
sed '1s/^{/{"kvm":"usable",/' "$tmp/host.json" >"$d/dup.json"
head -c $((5 << 20)) /dev/zero >"$d/big.json"
edit "$d/dense.json" "h['pad'] = [0] * (1 << 20)"
bad_input "missing file" "$d/none.json: No such file" \
	compat "$d/none.json" "$tmp/host.json"
bad_input "not JSON" "trunc.json: not JSON: byte 10: " \
	compat "$tmp/host.json" "$d/trunc.json"
bad_input "missing field" "nopku.json: not a host report: guest_pku: missing" \
	compat "$d/nopku.json" "$tmp/host.json"
bad_input "a newline in kernel, no hazard line" \
	"forged.json: not a host report: kernel: not printable ASCII (byte 0x0a at" \
	compat "$tmp/host.json" "$d/forged.json"
bad_input "a duplicate key" 'duplicate key "kvm" (a key may appear once' \
	compat "$d/dup.json" "$tmp/host.json"
bad_input "over the size cap" "big.json: File too large" \
	compat "$d/big.json" "$tmp/host.json"
bad_input "too dense for its size" "dense.json: too many values for its size" \
	compat "$tmp/host.json" "$d/dense.json"
bad_input "one file" "usage: xsave-abi compat" compat "$tmp/host.json"
bad_input "three files" "usage: xsave-abi compat" \
	compat "$tmp/host.json" "$tmp/host.json" "$tmp/host.json"
bad_input "an unknown option" "usage: xsave-abi compat" \
	compat --all "$tmp/host.json" "$tmp/host.json"
bad_input "unwritable --json" "$d/none/x.json: No such file" \
	host --json "$d/none/x.json"

t_done
