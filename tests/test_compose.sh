#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xsave-abi compose on hand-made run folders: a run with failures, a run
# whose results differ from it, a machine that never reported, a boot for
# state loads only, a run whose results cannot be read, and a clean run.
# The harness's own --json comes from test_report (report.json), so the
# composer reads what the real writer writes; this test runs
# $O/tests/test_report (O as make has it, build by default) into a fresh
# folder each time, never trusting files an earlier run left.
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
compose="${XSAVE_ABI:?the harness binary} compose"
o=${O:-build}
case $o in /*) ;; *) o=$top/$o ;; esac
t_name=test_compose
. "$(dirname "$0")/check.sh"
has() { grep -qxF -- "$1" "$2"; }

rep=$tmp/compose-report
rm -rf "$rep"
mkdir -p "$rep"
"$o/tests/test_report" "$rep" >"$rep/log" 2>&1
rc=$?
check "test_report wrote the harness's files (exit $rc: $(tail -n 1 "$rep/log"))" \
	'[ $rc = 0 ] && [ -s $rep/report.ktap ] && [ -s $rep/report.json ] && [ -s $rep/report.xml ]'
# Without them every check below would fail for the same reason.
[ "$failed" = 0 ] || t_done

# run LABEL DIR RC: a run folder whose harness output is test_report's.
run() {
	local d=$2
	mkdir -p "$d/out/upstream"
	echo "$1" >"$d/label"
	echo "linux-image-$1-test" >"$d/package"
	echo "qemu-tcg cpu=max" >"$d/machine"
	echo 4321 >"$d/wall_ms"
	echo 60 >"$d/upstream_timeout"
	echo "$1" >"$d/tree"
	echo "boot" >"$d/console.log"
	cp "$rep/report.json" "$d/out/results.json"
	echo "$3" >"$d/out/rc"
	echo "$1-test" >"$d/out/release"
	printf 'npt=Y\nnested=1\n' >"$d/out/kvm_params"
	echo kvm_amd >"$d/out/kvm_module"
}
# upstream DIR NAME RC [LOG]
upstream() {
	echo "$2" >>"$1/out/upstream/list"
	echo "$3" >"$1/out/upstream/$2.rc"
	printf '%s\n' "${4:-}" >"$1/out/upstream/$2.log"
}

f=$tmp/compose
rm -rf "$f"
run 6.12 "$f/a" 1
upstream "$f/a" state_test 0
upstream "$f/a" xcr0_cpuid_test 1 'x86_64/xcr0_cpuid_test.c:42: Assertion failed <&>'
upstream "$f/a" amx_test 4 '1..0 # SKIP - Requirement not met: kvm_cpu_has(X86_FEATURE_XFD)'
upstream "$f/a" protection_keys 0 "$(printf 'ok 1 x\nBail out! test 15 (iteration 21)')"
run 6.1 "$f/b" 1
# g.a skips under 6.1, and g.b observes something else there.
python3 - "$f/b/out/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['results'][0].update(result='skip', reason='other kernel')
d['results'][1].update(observed='slot 0')
json.dump(d, open(sys.argv[1], 'w'))
PY
upstream "$f/b" state_test 143
echo "xcr0_cpuid_test missing: not in the 6.1 tree" >>"$f/b/out/upstream/list"
# Cross-kernel moves: 6.12 saved, 6.1 loaded it; a state-only 6.12 boot
# loaded what 6.1 saved, and PKRU differed.
mkdir -p "$f/a/out/state" "$f/b/out/state" "$f/s/in" "$f/s/out/state"
echo 0 >"$f/a/out/state/save.rc"
echo 0 >"$f/b/out/state/save.rc"
printf 'TAP version 13\n1..1\nok 1 x87\n' >"$f/b/out/state/load-6_12.ktap"
echo 0 >"$f/b/out/state/load-6_12.rc"
cp "$f/a/label" "$f/a/machine" "$f/a/package" "$f/a/wall_ms" "$f/s/"
touch "$f/s/in/state-only"
printf 'TAP version 13\n1..2\nok 1 x87\nnot ok 2 pkru\n' >"$f/s/out/state/load-6_1.ktap"
echo 1 >"$f/s/out/state/load-6_1.rc"
mkdir -p "$f/c"
echo broken >"$f/c/label"
echo linux-image-broken >"$f/c/package"
echo "qemu-tcg cpu=max" >"$f/c/machine"
echo 120004 >"$f/c/wall_ms"
echo "no results: QEMU killed after 120 s" >"$f/c/error"
printf 'Kernel panic "x" <y> & z\001\n' >"$f/c/console.log"

$compose --json "$f/all.json" --junit "$f/all.xml" "$f/a" "$f/b" "$f/c" "$f/s" \
	>"$f/all.ktap"
rc=$?
k=$f/all.ktap
check "exit 1 when a kernel failed (got $rc)" '[ $rc = 1 ]'
check "KTAP header and plan: 3 kernels, 6 moves" \
	'[ "$(sed -n 1p $k)" = "KTAP version 1" ] && has "1..9" $k'
check "one top-level result per kernel" \
	'has "not ok 1 6.12" $k && has "not ok 2 6.1" $k && has "not ok 3 broken" $k'
check "cross-kernel moves: loaded, differing, never saved or loaded" \
	'has "ok 4 migration.cross_kernel.6_12_to_6_1" $k &&
	 has "not ok 5 migration.cross_kernel.6_12_to_broken # error no boot under broken loaded it (see its console)" $k &&
	 has "# migration.cross_kernel.6_1_to_6_12: differs: pkru" $k &&
	 has "# not ok 2 pkru" $k &&
	 has "not ok 6 migration.cross_kernel.6_1_to_6_12" $k &&
	 has "not ok 8 migration.cross_kernel.broken_to_6_12 # error the boot under broken never reported" $k'
check "harness nested two levels down, a KTAP subtest" \
	'has "    ok 1 g.a" $k && has "    KTAP version 1" $k && has "    # Subtest: xsave-abi" $k &&
	 ! grep -q "^ *TAP version" $k'
check "upstream failure, skip and timeout" \
	'has "    # upstream.xcr0_cpuid_test: exit code 1" $k && has "    not ok 2 upstream.xcr0_cpuid_test" $k &&
	 has "    ok 3 upstream.amx_test # SKIP Requirement not met: kvm_cpu_has(X86_FEATURE_XFD)" $k &&
	 has "    # upstream.state_test: timed out after 60 s" $k && has "    not ok 1 upstream.state_test" $k &&
	 has "    ok 2 upstream.xcr0_cpuid_test # SKIP not in the 6.1 tree" $k'
check "a selftest that exits 0 but says it failed is a failure" \
	'has "    # upstream.protection_keys: exit code 0, but its output says: Bail out! test 15 (iteration 21)" $k &&
	 has "    not ok 4 upstream.protection_keys" $k'
check "selftest output kept as diagnostics" \
	'has "    # x86_64/xcr0_cpuid_test.c:42: Assertion failed <&>" $k'
check "a machine that never reported: error and console, bytes past ASCII as ?" \
	'has "  # error: no results: QEMU killed after 120 s" $k &&
	 has "  #   Kernel panic \"x\" <y> & z?" $k'
check "comparison marks differing cases only" \
	'grep -q "^# \* g\.a  *pass  *skip  *-$" $k &&
	 grep -q "^# \* g\.b  *fail  *fail  *-$" $k &&
	 grep -q "^#   h\.c  *skip  *skip  *-$" $k &&
	 grep -q "^#   upstream\.amx_test  *skip  *-  *-$" $k'
check "what differs: result and observation by kernel, with the commit the case cites" \
	'has "#   g.b: 6.12 fail, 6.1 fail (slot 0), broken -; explained by commit 4a804c4f8356 (\"x86/fpu: \"Allow\" PKRU\")" $k &&
	 grep -q "^#   g\.a: 6\.12 pass (applied), 6\.1 skip (applied), broken -; explained by " $k &&
	 grep -q "^#   upstream\.state_test: 6\.12 pass, 6\.1 fail, broken -; explained by tools/testing/selftests: " $k'
check "PKRU matrices side by side, reasons left in each kernel's block" \
	'grep -q "^#   kvm_set_xsave bit_set  *applied  *applied  *-$" $k &&
	 grep -q "^#   ptrace bit_clear  *not measured  *not measured  *-$" $k &&
	 has "    # pkru matrix: ptrace bit_clear: not measured: no PKU" $k'
check "moves as a source x destination table" \
	'grep -q "^#   6\.12  *-  *pass  *error$" $k && grep -q "^#   6\.1  *fail  *-  *error$" $k &&
	 grep -q "^#   broken  *error  *error  *-$" $k'
check "no line ends in a space" '! grep -q " $" $k'
check "top-level totals are last and add up" \
	'[ "$(tail -n 1 $k)" = "# Totals: pass:3 fail:6 xfail:2 xpass:0 skip:5 error:7" ]'

check "JSON parses with runs in order, the failed machine's console kept" "python3 - '$f/all.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d['runs']
assert [x['kernel'] for x in r] == ['6.12', '6.1', 'broken'], r
assert r[0]['report']['host'] == {'kernel': 'test'} and r[0]['report']['totals']['fail'] == 1
assert r[0]['passed'] is False and r[0]['kvm_module'] == 'kvm_amd' and r[0]['kvm_params'] == 'npt=Y nested=1', r[0]
assert [u['result'] for u in r[0]['upstream']] == ['pass', 'fail', 'skip', 'fail']
assert r[1]['upstream'][1]['reason'] == 'not in the 6.1 tree'
assert r[2]['error'].startswith('no results') and 'panic' in r[2]['console_tail'][0]
x = {(c['from'], c['to']): c['case']['result'] for c in d['cross_kernel']}
assert x[('6.12', '6.1')] == 'pass' and x[('6.1', '6.12')] == 'fail', x
assert len(x) == 6 and list(x.values()).count('error') == 4, x
assert d['cross_kernel_table']['6.1'] == {'6.12': 'fail', 'broken': 'error'}
diff = {e['name']: e for e in d['differs']}
assert set(diff) == {'g.a', 'g.b', 'upstream.state_test', 'upstream.xcr0_cpuid_test'}, diff
assert diff['g.b']['observed'] == {'6.12': '', '6.1': 'slot 0'}
assert diff['g.b']['explained_by'].startswith('commit 4a804c4f8356')
assert d['totals']['error'] == 7 and d['passed'] is False
PY"
check "JUnit parses: a suite per kernel and its selftests, then the moves" "python3 - '$f/all.xml' <<'PY'
import sys, xml.etree.ElementTree as E
s = E.parse(sys.argv[1]).getroot().findall('testsuite')
assert [x.get('name') for x in s] == ['6.12', '6.12 upstream', '6.1', '6.1 upstream', 'broken', 'cross_kernel'], s
assert s[5].get('tests') == '6' and s[5].get('failures') == '1' and s[5].get('errors') == '4'
a = s[0].attrib
assert (a['tests'], a['failures'], a['errors'], a['skipped']) == ('5', '1', '1', '1'), a
a = s[1].attrib
assert (a['tests'], a['failures'], a['skipped']) == ('4', '2', '1'), a
assert s[4].find('testcase/error') is not None
PY"

# A run whose --json is not one: that kernel's error, the rest still read.
mkdir -p "$f/bad" && cp -r "$f/a/." "$f/bad/" && echo bad >"$f/bad/label"
printf '{"tool":"xsave-abi","seed":1,"host":{},"host_ktap":"","results":[{"name":"g.a"}],"wall_ms":1}' \
	>"$f/bad/out/results.json"
$compose "$f/a" "$f/bad" >"$f/bad.ktap" 2>"$f/bad.err"
rc=$?
check "an unreadable --json is its kernel's error (exit $rc)" \
	'[ $rc = 1 ] && grep -q "^  # error: the harness wrote no usable results (exit code 1): not a run.s --json output: results\[0\]\.group: missing" $f/bad.ktap &&
	 has "not ok 2 bad" $f/bad.ktap &&
	 has "not ok 4 migration.cross_kernel.bad_to_6_12 # error the boot under bad never reported" $f/bad.ktap'
$compose "$f/a" "$tmp" >/dev/null 2>"$f/nolabel.err"
rc=$?
check "a folder that is no run folder: exit 2 naming it (got $rc)" \
	'[ $rc = 2 ] && grep -q "^xsave-abi compose: $tmp: no label: not a run folder$" $f/nolabel.err'
$compose >/dev/null 2>"$f/usage.err"
rc=$?
check "no folder: usage, exit 2 (got $rc)" '[ $rc = 2 ] && grep -q "^usage: xsave-abi compose" $f/usage.err'

# A selftest failing on a series for its known reason is an XFAIL; for
# another reason, a failure.
run 5.10 "$f/k1" 0
upstream "$f/k1" state_test 254 '  Unexpected result from KVM_GET_MSRS, r: 11 (failed MSR was 0x3a)'
run 5.10 "$f/k2" 0
upstream "$f/k2" state_test 254 '  Unexpected result from KVM_SET_MSRS'
$compose "$f/k1" >"$f/k1.ktap"
$compose "$f/k2" >"$f/k2.ktap"
check "a known failure of a series' selftest is an XFAIL with its hazard, another a failure" \
	'grep -q "^    ok 1 upstream.state_test # XFAIL 5.10.s KVM_GET_MSR_INDEX_LIST lists MSRs that KVM_GET_MSRS refuses on AMD .* (exit code 254)$" $f/k1.ktap &&
	 has "    not ok 1 upstream.state_test" $f/k2.ktap'

# The selftests' own boot sent nothing back (vm.sh merge_beside): each
# test it lists fails with that reason, a missing one stays a skip.
run 6.12 "$f/noup" 0
printf 'state_test\ncpuid_test missing: not in the tree\n' >"$f/noup/out/upstream/list"
echo "the boot that ran the selftests sent nothing back: QEMU killed after 120 s" \
	>"$f/noup/out/upstream/error"
$compose "$f/noup" >"$f/noup.ktap"
check "selftests whose boot sent nothing: a failure with that boot's reason" \
	'has "    # upstream.state_test: the boot that ran the selftests sent nothing back: QEMU killed after 120 s" $f/noup.ktap &&
	 has "    not ok 1 upstream.state_test" $f/noup.ktap &&
	 has "    ok 2 upstream.cpuid_test # SKIP not in the tree" $f/noup.ktap'

# A kernel run in two boots (vm.sh split): the cases of the boot beside
# join the suite's, in the registry's order, as one boot's run would read;
# when that boot sent nothing, each case it was to run is an error.
run 6.12 "$f/whole" 1
run 6.12 "$f/sp" 1
mkdir -p "$f/sp/out/beside"
python3 - "$f/sp/out/results.json" "$f/sp/out/beside/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = dict(d, results=[x for x in d['results'] if x['group'] == 'g'])
d['results'] = [x for x in d['results'] if x['group'] != 'g']
json.dump(d, open(sys.argv[1], 'w'))
json.dump(g, open(sys.argv[2], 'w'))
PY
echo 1 >"$f/sp/out/beside/rc"
echo "from beside" >"$f/sp/out/beside/stderr"
printf 'g.a\ng.b\n' >"$f/sp/out/beside/list"
$compose --json "$f/whole.json" "$f/whole" >"$f/whole.ktap"
$compose --json "$f/sp.json" "$f/sp" >"$f/sp.ktap"
rc=$?
check "two boots' cases read as one run: same results, order and totals (exit $rc)" \
	'[ $rc = 1 ] && [ "$(grep "^    \(not \)\?ok " $f/whole.ktap)" = "$(grep "^    \(not \)\?ok " $f/sp.ktap)" ] &&
	 [ "$(grep -c "^    \(not \)\?ok " $f/sp.ktap)" = 5 ] &&
	 [ "$(grep Totals $f/whole.ktap)" = "$(grep Totals $f/sp.ktap)" ] &&
	 has "    # stderr: from beside" $f/sp.ktap'
run 6.12 "$f/spx" 0
mkdir -p "$f/spx/out/beside"
printf 'g.a\nqemu.migrate_keeps_pkru\n' >"$f/spx/out/beside/list"
echo "the boot beside the suite sent nothing back: Bochs killed after 300 s" >"$f/spx/out/beside/error"
$compose "$f/spx" >"$f/spx.ktap"
rc=$?
check "the boot beside sent nothing: its cases are errors with why (exit $rc)" \
	'[ $rc = 1 ] && has "not ok 1 6.12" $f/spx.ktap &&
	 grep -q "^    not ok [0-9]* qemu.migrate_keeps_pkru # error the boot beside the suite sent nothing back: Bochs killed after 300 s$" $f/spx.ktap &&
	 [ "$(grep -c "# error the boot beside the suite sent nothing back" $f/spx.ktap)" = 2 ]'

run 6.12 "$f/ok" 0
python3 - "$f/ok/out/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d['results'] = [x for x in d['results'] if x['result'] not in ('fail', 'error')]
json.dump(d, open(sys.argv[1], 'w'))
PY
upstream "$f/ok" state_test 0
$compose "$f/ok" >"$f/ok.ktap"
rc=$?
check "exit 0 when every kernel passed (got $rc)" '[ $rc = 0 ] && has "ok 1 6.12" $f/ok.ktap'
check "no comparison for one kernel" \
	'[ $rc = 0 ] && has "ok 1 6.12" $f/ok.ktap && ! grep -q comparison $f/ok.ktap'

# The Intel and the AMD machine: a move between them is cross_cpu, and each
# boot names its CPU and vendor module in the JSON.
run 6.12 "$f/xa" 0
run 6.12-intel "$f/xi" 0
echo intel >"$f/xi/cpu"
echo kvm_intel >"$f/xi/out/kvm_module"
for d in xa xi; do mkdir -p "$f/$d/out/state"; echo 0 >"$f/$d/out/state/save.rc"; done
printf 'TAP version 13\n1..1\nok 1 x87\n' >"$f/xi/out/state/load-6_12.ktap"
echo 0 >"$f/xi/out/state/load-6_12.rc"
$compose --json "$f/x.json" "$f/xa" "$f/xi" >"$f/x.ktap"
check "a move between the two machines is migration.cross_cpu.A_to_B" \
	'has "ok 3 migration.cross_cpu.6_12_to_6_12_intel" $f/x.ktap &&
	 has "  # kvm_intel: npt=Y nested=1" $f/x.ktap'
check "JSON: each boot's cpu (amd without a cpu file) and kvm_module" \
	'python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))[\"runs\"]
assert [(x[\"cpu\"], x[\"kvm_module\"]) for x in r] == [(\"amd\", \"kvm_amd\"), (\"intel\", \"kvm_intel\")], r
" "$f/x.json"'


# A kernel the machine cannot boot (vm.sh: RUN/skip) is a SKIP with its
# reason, and so is every move to or from it; the run still passes.
mkdir -p "$f/xs"
echo 5.10-intel >"$f/xs/label"
echo linux-image-5.10-test >"$f/xs/package"
echo "bochs 3.0 cpu=sapphire_rapids" >"$f/xs/machine"
echo intel >"$f/xs/cpu"
echo 0 >"$f/xs/wall_ms"
echo "hangs under Bochs" >"$f/xs/skip"
$compose --json "$f/s.json" --junit "$f/s.xml" "$f/xa" "$f/xs" >"$f/s.ktap"
rc=$?
check "a kernel not booted: SKIP with its reason, moves skipped, exit 0 (got $rc)" \
	'[ $rc = 0 ] && has "ok 2 5.10-intel # SKIP hangs under Bochs" $f/s.ktap &&
	 has "ok 3 migration.cross_cpu.6_12_to_5_10_intel # SKIP 5.10-intel was not booted: hangs under Bochs" $f/s.ktap &&
	 has "ok 4 migration.cross_cpu.5_10_intel_to_6_12 # SKIP 5.10-intel was not booted: hangs under Bochs" $f/s.ktap'
check "JSON and JUnit: the kernel not booted passes as a skip" \
	'python3 -c "
import json, sys
import xml.etree.ElementTree as ET
r = json.load(open(sys.argv[1]))[\"runs\"][1]
assert r[\"passed\"] is True and r[\"skip\"] == \"hangs under Bochs\", r
s = ET.parse(sys.argv[2]).getroot().findall(\"testsuite\")[1]
assert s.get(\"name\") == \"5.10-intel\" and s.get(\"skipped\") == \"1\", s.attrib
" "$f/s.json" "$f/s.xml"'

t_done
