#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm/compose.sh on hand-made run folders: a run with failures, a run whose
# results differ from it, a machine that never reported, a boot for state
# loads only, and a clean run.
# The harness's own files come from test_report (report.ktap, .json, .xml),
# so the composer is tested on the real writers; this test runs
# $O/tests/test_report (O as make has it, build by default) into a fresh
# folder each time, never trusting files an earlier run left.
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
compose=$top/vm/compose.sh
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
	cp "$rep/report.ktap" "$d/out/ktap"
	cp "$rep/report.json" "$d/out/results.json"
	cp "$rep/report.xml" "$d/out/results.xml"
	echo "$3" >"$d/out/rc"
	echo "$1-test" >"$d/out/release"
	printf 'npt=Y\nnested=1\n' >"$d/out/kvm_amd_params"
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
run 6.1 "$f/b" 1
sed -i 's/^ok 1 g\.a$/ok 1 g.a # SKIP other kernel/' "$f/b/out/ktap"
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

"$compose" --json "$f/all.json" --junit "$f/all.xml" "$f/a" "$f/b" "$f/c" "$f/s" \
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
	 has "  # state saved under 6.12, loaded under 6.1" $k &&
	 has "  ok 1 x87" $k &&
	 has "not ok 5 migration.cross_kernel.6_12_to_broken" $k &&
	 has "  # not ok: differs: pkru" $k &&
	 has "not ok 6 migration.cross_kernel.6_1_to_6_12" $k &&
	 has "  # not ok: the boot under broken never reported" $k'
check "harness nested two levels down" 'has "    ok 1 g.a" $k && has "    KTAP version 1" $k'
check "the harness header becomes a KTAP subtest" \
	'has "    KTAP version 1" $k && ! grep -q "^ *TAP version" $k'
check "upstream failure, skip and timeout" \
	'has "    not ok 2 xcr0_cpuid_test # exit code 1" $k &&
	 has "    ok 3 amx_test # SKIP Requirement not met: kvm_cpu_has(X86_FEATURE_XFD)" $k &&
	 has "    not ok 1 state_test # timed out after 60 s" $k &&
	 has "    ok 2 xcr0_cpuid_test # SKIP not in the 6.1 tree" $k'
check "selftest output kept as diagnostics" \
	'has "    # x86_64/xcr0_cpuid_test.c:42: Assertion failed <&>" $k'
check "a machine that never reported: error and console" \
	'has "  # error: no results: QEMU killed after 120 s" $k &&
	 grep -qF "  #   Kernel panic" $k'
check "comparison marks differing cases only" \
	'grep -q "^# \* g\.a  *pass  *skip  *-$" $k &&
	 grep -q "^#   g\.b  *fail  *fail  *-$" $k &&
	 grep -q "^#   upstream\.amx_test  *skip  *-  *-$" $k' 
check "PKRU matrices side by side, reasons left in each kernel's block" \
	'grep -q "^#   kvm_set_xsave bit_set  *applied  *applied  *-$" $k &&
	 grep -q "^#   ptrace bit_clear  *not measured  *not measured  *-$" $k &&
	 has "    # pkru matrix: ptrace bit_clear: not measured: no PKU" $k'
check "top-level totals are last and add up" \
	'[ "$(tail -n 1 $k)" = "# Totals: pass:3 fail:5 xfail:2 xpass:0 skip:5 error:7" ]'

check "JSON parses with runs in order, the failed machine's console kept" "python3 - '$f/all.json' <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d['runs']
assert [x['kernel'] for x in r] == ['6.12', '6.1', 'broken'], r
assert r[0]['host'] == {'kernel': 'test'} and r[0]['totals']['fail'] == 1
assert r[0]['passed'] is False and r[0]['kvm_amd'] == {'npt': 'Y', 'nested': '1'}
assert [u['result'] for u in r[0]['upstream']] == ['pass', 'fail', 'skip']
assert r[1]['upstream'][1]['reason'] == 'not in the 6.1 tree'
assert r[2]['error'].startswith('no results') and 'panic' in r[2]['console_tail'][0]
x = {c['name']: c['result'] for c in d['cross_kernel']}
assert x['migration.cross_kernel.6_12_to_6_1'] == 'pass', x
assert x['migration.cross_kernel.6_1_to_6_12'] == 'fail', x
assert len(x) == 6 and list(x.values()).count('error') == 4, x
PY"
check "JUnit parses, one testsuite per kernel with its counts" "python3 - '$f/all.xml' <<'PY'
import sys, xml.etree.ElementTree as E
s = E.parse(sys.argv[1]).getroot().findall('testsuite')
assert [x.get('name') for x in s] == ['6.12', '6.1', 'broken', 'cross_kernel']
assert s[3].get('tests') == '6' and s[3].get('failures') == '1' and s[3].get('errors') == '4'
a = s[0].attrib
assert (a['tests'], a['failures'], a['errors'], a['skipped']) == ('8', '2', '1', '2'), a
assert len(s[0].findall('testcase')) == 8
assert s[2].find('testcase/error') is not None
PY"

run 6.12 "$f/ok" 0
sed -i '/^not ok/d' "$f/ok/out/ktap"
upstream "$f/ok" state_test 0
"$compose" "$f/ok" >"$f/ok.ktap"
rc=$?
check "exit 0 when every kernel passed (got $rc)" '[ $rc = 0 ] && has "ok 1 6.12" $f/ok.ktap'
check "no comparison for one kernel" \
	'[ $rc = 0 ] && has "ok 1 6.12" $f/ok.ktap && ! grep -q comparison $f/ok.ktap'

t_done
