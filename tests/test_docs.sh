#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The hazard texts are written once, in the cases and in compat's rules:
# the README's and doc/vmm-vendors.md's lists between "<!-- xsave-abi
# --hazards -->" and "<!-- end -->" must be what xsave-abi --hazards prints,
# and doc/vmm-vendors.md's between "<!-- xsave-abi compat --kernel-hazards
# -->" and "<!-- end -->" what that prints. Needs
# build/xsave-abi (XSAVE_ABI names another).
set -u
tmp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${XSAVE_ABI:-$top/build/xsave-abi}
t_name=test_docs
. "$(dirname "$0")/check.sh"

"$bin" --hazards >"$tmp/hazards" 2>"$tmp/err"
rc=$?
check "--hazards: exit 0 (got $rc) and at least one hazard" \
	'[ $rc = 0 ] && grep -q "^- \`[a-z0-9_]*\.[a-z0-9_]*\`: " "$tmp/hazards"'
for doc in README.md doc/vmm-vendors.md; do
	sed -n '/^<!-- xsave-abi --hazards -->$/,/^<!-- end -->$/p' "$top/$doc" |
		sed '1d;$d' >"$tmp/doc"
	check "$doc: its hazard list is --hazards' output (diff: $(diff "$tmp/hazards" "$tmp/doc" | head -c 300))" \
		'[ -s "$tmp/doc" ] && cmp -s "$tmp/hazards" "$tmp/doc"'
done
"$bin" compat --kernel-hazards >"$tmp/kernels" 2>"$tmp/err"
rc=$?
check "compat --kernel-hazards: exit 0 (got $rc) and at least one range" \
	'[ $rc = 0 ] && grep -q "^- [0-9.]* to [0-9.]*: " "$tmp/kernels"'
sed -n '/^<!-- xsave-abi compat --kernel-hazards -->$/,/^<!-- end -->$/p' \
	"$top/doc/vmm-vendors.md" | sed '1d;$d' >"$tmp/doc"
check "doc/vmm-vendors.md: its kernel list is compat --kernel-hazards' output (diff: $(diff "$tmp/kernels" "$tmp/doc" | head -c 300))" \
	'[ -s "$tmp/doc" ] && cmp -s "$tmp/kernels" "$tmp/doc"'
t_done
