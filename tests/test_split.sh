#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vm.sh with one kernel on two cores: its run is two boots side by side
# (vm.sh split), the second with the selftests and the AMD machine's
# groups for it; both halves get the same --seed and the report reads them
# as one run. A fake QEMU stands in for the machine: it reads the initramfs
# it is given and answers as /init would, with test_report's results (the
# second boot: group g, the first: group h). When the second boot sends
# nothing, each case it was to run is an error with the reason. Kernels
# from a made-up cache: nothing is downloaded.
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
o=${O:-build}
case $o in /*) ;; *) o=$top/$o ;; esac
t_name=test_split
. "$(dirname "$0")/check.sh"
has() { grep -qxF -- "$1" "$2"; }

d=$tmp/split
rm -rf "$d"
mkdir -p "$d/rep"
"$o/tests/test_report" "$d/rep" >"$d/rep/log" 2>&1
check "setup: test_report wrote its --json" '[ -s $d/rep/report.json ]'
[ "$failed" = 0 ] || t_done

k=linux-image-6.12.99+deb12-amd64-unsigned
mkdir -p "$d/cache/$k/mod" "$d/cache/busybox-static"
: >"$d/cache/$k/vmlinuz"
: >"$d/cache/$k/mod/order"
echo 6.12 >"$d/cache/$k/series"
touch "$d/cache/$k/.ok"
: >"$d/cache/busybox-static/busybox"
touch "$d/cache/busybox-static/.ok"

# The fake machine: the initramfs's /args and /in kept in $d/boots/N, then
# the results stream /init would send, unless $d/silent names the boot
# kind (beside or suite) that sends nothing.
cat >"$d/qemu" <<EOF
#!/bin/bash
set -e
while [ \$# -gt 0 ]; do
	case "\$1" in
	-initrd) initrd=\$2; shift ;;
	-serial) out=\${2#file:}; shift ;;
	esac
	shift
done
mkdir -p "$d/boots"
b=\$(mktemp -d "$d/boots/boot.XXXX")
mkdir -p "\$b/root" "\$b/out/upstream"
(cd "\$b/root" && cpio -id --quiet <"\$initrd")
cp "\$b/root/args" "\$b/args"
ls "\$b/root/in" >"\$b/in"
kind=suite group=h
[ ! -f "\$b/root/in/beside" ] || kind=beside group=g
[ "\$(cat "$d/silent" 2>/dev/null)" != "\$kind" ] || exit 0
echo 6.12.99-test >"\$b/out/release"
if [ ! -f "\$b/root/in/no-harness" ]; then
	python3 - "$d/rep/report.json" "\$group" >"\$b/out/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r['results'] = [x for x in r['results'] if x['group'] == sys.argv[2] and x['result'] not in ('fail', 'error')]
json.dump(r, sys.stdout)
PY
	echo 0 >"\$b/out/rc"
fi
if [ -f "\$b/root/upstream/list" ]; then
	cut -d' ' -f1 "\$b/root/upstream/list" | sed 's/\$/ missing: fake/' >"\$b/out/upstream/list"
fi
(cd "\$b/out" && tar -cf - . | gzip -1) >"\$b/r.tgz"
{ echo "xsave-abi-vm results \$(wc -c <"\$b/r.tgz") \$(sha256sum "\$b/r.tgz" | cut -d' ' -f1)"; cat "\$b/r.tgz"; } >"\$out"
EOF
chmod +x "$d/qemu"
vmenv=(XSAVE_ABI_CACHE="$d/cache" XSAVE_ABI_OFFLINE=1 XSAVE_ABI_VM_QEMU="$d/qemu"
	XSAVE_ABI_WORK="$d/work" XSAVE_ABI_JOBS=2)

env "${vmenv[@]}" "$top/vm/vm.sh" 6.12 --json "$d/r.json" >"$d/r.ktap" 2>"$d/r.err"
rc=$?
# b0 the suite's boot, b1 the one beside it.
for b in "$d"/boots/*; do
	[ -f "$b/root/in/beside" ] && b1=$b || b0=$b
done
seed() { grep -A1 -x -- --seed "$1/args" | tail -n 1; }
check "two boots, the second marked beside, no moves (exit $rc: $(tail -n 1 "$d/r.err"))" \
	'[ $rc = 0 ] && [ "$(ls $d/boots | wc -l)" = 2 ] && has beside $b1/in && ! has beside $b0/in'
check "the suite's boot leaves out the second's groups, the second everything else" \
	'has "migration.*" $b0/args && has "qemu.*" $b1/args && ! has "qemu.*" $b0/args &&
	 ! has "migration.*" $b1/args'
check "both halves have one seed" \
	'[ -n "$(seed $b0)" ] && [ "$(seed $b0)" = "$(seed $b1)" ]'
check "the selftests go with the second boot alone" \
	'[ -f $b1/root/upstream/list ] && [ ! -f $b0/root/upstream/list ]'
check "one harness run in the report: g (second boot) before h, then the selftests" \
	'has "    ok 1 g.a" $d/r.ktap && has "    ok 2 h.c # SKIP no PKU" $d/r.ktap &&
	 has "    1..3" $d/r.ktap && has "ok 1 6.12" $d/r.ktap &&
	 grep -q "^    ok 1 upstream.state_test # SKIP fake$" $d/r.ktap'

echo beside >"$d/silent"
rm -rf "$d/boots"
env "${vmenv[@]}" "$top/vm/vm.sh" 6.12 >"$d/s.ktap" 2>"$d/s.err"
rc=$?
check "the second boot sent nothing: each of its cases is an error with why (exit $rc)" \
	'[ $rc = 1 ] && has "not ok 1 6.12" $d/s.ktap &&
	 [ "$(grep -c "# error the boot beside the suite sent nothing back: no results: the machine stopped" $d/s.ktap)" -ge 10 ] &&
	 grep -q "^    ok [0-9]* h.c # SKIP no PKU$" $d/s.ktap'

t_done
