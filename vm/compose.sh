#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Compose the reports of an emulated-machine run from its per-kernel run
# folders: one KTAP stream on stdout (a top-level test per kernel, the
# harness's run and the upstream selftests nested under it), and optionally
# one JSON file {"runs":[...]} and one JUnit file (a testsuite per kernel).
# usage: compose.sh [--json FILE] [--junit FILE] RUN_DIR...
# A run folder holds: label, package, machine, wall_ms, console.log, and
# either error (one line) or out/ as vm/init sent it back. A folder whose
# in/state-only exists was a boot for cross-kernel state loads alone: it
# adds migration.cross_kernel.* results, not a kernel.
# Exit 0 when every kernel's run and every cross-kernel move passed, else 1.
set -u
json="" junit=""
while [ $# -gt 0 ]; do
	case "$1" in
	--json|--junit) [ $# -ge 2 ] || { echo "vm: compose.sh: $1 needs a value: a file" >&2; exit 2; } ;;&
	--json) json=$2; shift 2 ;;
	--junit) junit=$2; shift 2 ;;
	*) break ;;
	esac
done
runs=() all=("$@")
for d in "$@"; do
	[ -f "$d/in/state-only" ] || runs+=("$d")
done

# Printable ASCII only, then JSON or XML escaping.
printable() { tr -cd '\11\12\40-\176'; }
json_str() { printf '"%s"' "$(printf '%s' "$1" | tr "\n" " " | printable | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g')"; }
xml_esc() { printable | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }
xml_str() { printf '%s' "$1" | xml_esc; }
indent() { sed "s/^/$1/"; }

# Upstream selftests of a run, one line each: NAME RESULT REASON. Exit
# codes as kselftest's runner reads them: 0 pass, 4 skip, else fail.
upstream_results() {
	local dir=$1/out/upstream t rest rc reason
	[ -f "$dir/list" ] || return 0
	while read -r t rest; do
		if [ -n "$rest" ]; then
			printf '%s\tskip\t%s\n' "$t" "${rest#missing: }"
			continue
		fi
		rc=$(cat "$dir/$t.rc" 2>/dev/null || echo none)
		case "$rc" in
		0) printf '%s\tpass\t\n' "$t" ;;
		4)
			reason=$(grep -a -m 1 'SKIP' "$dir/$t.log" | sed 's/.*SKIP[ -]*//' | printable)
			printf '%s\tskip\t%s\n' "$t" "${reason:-exit code 4}"
			;;
		124|143) printf '%s\tfail\ttimed out after %s s\n' "$t" "$(cat "$1/upstream_timeout" 2>/dev/null)" ;;
		*) printf '%s\tfail\texit code %s\n' "$t" "$rc" ;;
		esac
	done <"$dir/list"
}

# Harness cases of a run from its KTAP, one line each: NAME RESULT.
case_results() {
	awk '/^(not )?ok [0-9]+ / {
		r = ($1 == "ok") ? "pass" : "fail"
		name = ($1 == "ok") ? $3 : $4
		if (match($0, / # (SKIP|XFAIL|XPASS|error)/))
			r = tolower(substr($0, RSTART + 3, RLENGTH - 3))
		print name "\t" r
	}' "$1/out/ktap" 2>/dev/null
}

# Whether a kernel's run passed, and why not.
run_verdict() {
	local r=$1 rc
	if [ -f "$r/error" ]; then cat "$r/error"; return 1; fi
	rc=$(cat "$r/out/rc" 2>/dev/null)
	case "$rc" in
	0) ;;
	4) echo "the harness skipped every case"; return 1 ;;
	1) echo "the harness reported failures"; return 1 ;;
	*) echo "the harness exited ${rc:-without a status}"; return 1 ;;
	esac
	if upstream_results "$r" | grep -q "$(printf '\tfail\t')"; then
		echo "upstream selftests failed"
		return 1
	fi
}

ktap_harness() {
	local r=$1
	echo "KTAP version 1"
	echo "# Subtest: xsave-abi"
	sed '1{/^TAP version/d}' "$r/out/ktap"
	sed 's/^/# stderr: /' "$r/out/stderr" 2>/dev/null
}

ktap_upstream() {
	local r=$1 n=0 t res reason
	echo "KTAP version 1"
	echo "# Subtest: upstream"
	echo "# the kernel's own KVM selftests, from the linux-source tree $(cat "$r/tree" 2>/dev/null)"
	echo "1..$(upstream_results "$r" | wc -l)"
	while IFS=$'\t' read -r t res reason; do
		n=$((n + 1))
		[ -f "$r/out/upstream/$t.log" ] && printable <"$r/out/upstream/$t.log" | sed 's/^/# /'
		case "$res" in
		pass) echo "ok $n $t" ;;
		skip) echo "ok $n $t # SKIP $reason" ;;
		*) echo "not ok $n $t # $reason" ;;
		esac
	done < <(upstream_results "$r")
}

ktap_kernel() {
	local r=$1 idx=$2 label why n=1
	label=$(cat "$r/label")
	echo "  KTAP version 1"
	echo "  # Subtest: $label"
	echo "  # machine: $(cat "$r/machine"), package $(cat "$r/package")"
	[ -f "$r/out/release" ] && echo "  # release: $(cat "$r/out/release")"
	[ -s "$r/out/kvm_amd_params" ] && echo "  # kvm_amd: $(paste -sd ' ' "$r/out/kvm_amd_params")"
	echo "  # wall time: $(cat "$r/wall_ms") ms"
	if [ -f "$r/error" ]; then
		echo "  # error: $(cat "$r/error")"
		echo "  # console, last lines:"
		tail -n 25 "$r/console.log" | printable | sed 's/^/  #   /'
		echo "  1..0"
	else
		[ -f "$r/out/upstream/list" ] && n=2
		echo "  1..$n"
		ktap_harness "$r" | indent '    '
		if [ "$(cat "$r/out/rc")" = 0 ]; then echo "  ok 1 xsave-abi"; else echo "  not ok 1 xsave-abi"; fi
		if [ "$n" = 2 ]; then
			ktap_upstream "$r" | indent '    '
			if upstream_results "$r" | grep -q "$(printf '\tfail\t')"; then
				echo "  not ok 2 upstream"
			else
				echo "  ok 2 upstream"
			fi
		fi
	fi
	if why=$(run_verdict "$r"); then
		echo "ok $idx $label"
	else
		echo "  # not ok: $why"
		echo "not ok $idx $label"
	fi
}

# Case by kernel, every case whose result differs between kernels marked.
comparison() {
	local r
	for r in "${runs[@]}"; do
		label=$(cat "$r/label")
		# A kernel that never reported keeps its column, all "-".
		printf '%s\t\t\n' "$label"
		case_results "$r" | sed "s/^/$label\t/"
		upstream_results "$r" | cut -f1,2 | sed "s/^/$label\tupstream./"
	done | awk -F'\t' '
	{
		if (!($1 in seen)) { seen[$1] = 1; k[nk++] = $1 }
		if ($2 == "") next
		if (!(($2) in cs)) { cs[$2] = 1; c[nc++] = $2 }
		res[$1, $2] = $3
	}
	END {
		printf "# comparison, case by kernel (* marks a difference, - not run):\n"
		line = sprintf("#   %-46s", "case")
		for (i = 0; i < nk; i++) line = line sprintf(" %-8s", k[i])
		sub(/ +$/, "", line)
		print line
		for (j = 0; j < nc; j++) {
			diff = 0
			first = ""
			line = ""
			for (i = 0; i < nk; i++) {
				v = ((k[i], c[j]) in res) ? res[k[i], c[j]] : "-"
				# Only kernels that ran the case are compared.
				if (v != "-" && first != "" && v != first) diff = 1
				if (v != "-" && first == "") first = v
				line = line sprintf(" %-8s", v)
			}
			line = sprintf("# %s %-46s%s", diff ? "*" : " ", c[j], line)
			sub(/ +$/, "", line)
			print line
			ndiff += diff
		}
		printf "# %d of %d cases differ between kernels\n", ndiff, nc
	}'
}

# The kernels' PKRU matrices side by side; reasons for "not measured" are
# in each kernel's own block.
matrix_table() {
	local r label
	for r in "${runs[@]}"; do
		label=$(cat "$r/label")
		printf '%s\t\t\n' "$label"
		sed -n 's/^# pkru matrix: \([a-z_]* [a-z_]*\): \(.*\)$/\1\t\2/p' \
			"$r/out/ktap" 2>/dev/null | sed "s/^/$label\t/;s/\tnot measured:.*/\tnot measured/"
	done | awk -F'\t' '
	{
		if (!($1 in seen)) { seen[$1] = 1; k[nk++] = $1 }
		if ($2 == "") next
		if (!($2 in cs)) { cs[$2] = 1; c[nc++] = $2 }
		res[$1, $2] = $3
	}
	END {
		line = sprintf("#   %-24s", "interface, XSTATE_BV[9]")
		for (i = 0; i < nk; i++) line = line sprintf(" %-13s", k[i])
		print "# pkru matrix by kernel (what PKRU became):"
		sub(/ +$/, "", line)
		print line
		for (j = 0; j < nc; j++) {
			line = sprintf("#   %-24s", c[j])
			for (i = 0; i < nk; i++)
				line = line sprintf(" %-13s", ((k[i], c[j]) in res) ? res[k[i], c[j]] : "-")
			sub(/ +$/, "", line)
			print line
		}
	}'
}

name_of() { printf '%s' "$(cat "$1/label")" | tr -c 'A-Za-z0-9' '_'; }

# Why the move from run a to run b has no result.
cross_missing() {
	local a=$1 b=$2
	if [ -f "$a/error" ]; then
		echo "the boot under $(cat "$a/label") never reported"
	elif [ "$(cat "$a/out/state/save.rc" 2>/dev/null)" != 0 ]; then
		echo "state save under $(cat "$a/label") failed: $(tail -n 1 "$a/out/state/save.log" 2>/dev/null)"
	else
		echo "no boot under $(cat "$b/label") loaded it (see its console)"
	fi
}

# Cross-kernel state moves, one line each: NAME RESULT REASON KTAP FROM TO
# (tab-separated; "-" for no reason or no KTAP, as read collapses empty
# fields).
# A state file saved under a's kernel and loaded under b's by
# "xsave-abi state load": exit 0 every component verified, 1 some differ.
cross_pairs() {
	local a b d k rc
	[ ${#runs[@]} -gt 1 ] || return 0
	for a in "${runs[@]}"; do
		for b in "${runs[@]}"; do
			[ "$a" = "$b" ] && continue
			k=""
			for d in "${all[@]}"; do
				[ "$(cat "$d/label")" = "$(cat "$b/label")" ] &&
					[ -f "$d/out/state/load-$(name_of "$a").ktap" ] &&
					k=$d/out/state/load-$(name_of "$a").ktap
			done
			printf 'migration.cross_kernel.%s_to_%s\t' "$(name_of "$a")" "$(name_of "$b")"
			if [ -z "$k" ]; then
				printf 'error\t%s\t-' "$(cross_missing "$a" "$b")"
			else
				rc=$(cat "${k%.ktap}.rc")
				case "$rc" in
				0) printf 'pass\t-\t%s' "$k" ;;
				1) printf 'fail\tdiffers: %s\t%s' "$(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$k" | paste -sd ' ')" "$k" ;;
				*) printf 'error\tstate load exited %s: %s\t%s' "$rc" "$(grep -m 1 -v '^#' "$k" | printable)" "$k" ;;
				esac
			fi
			printf '\t%s\t%s\n' "$(cat "$a/label")" "$(cat "$b/label")"
		done
	done
}

ktap_cross() {
	local idx=$1 name res reason k from to
	while IFS=$'\t' read -r name res reason k from to; do
		echo "  KTAP version 1"
		echo "  # Subtest: $name"
		echo "  # state saved under $from, loaded under $to"
		if [ "$k" != - ]; then
			sed '1{/^TAP version/d}' "$k" | printable | indent '  '
		else
			echo "  1..0"
		fi
		[ "$reason" = - ] || echo "  # not ok: $reason"
		if [ "$res" = pass ]; then echo "ok $idx $name"; else echo "not ok $idx $name"; fi
		idx=$((idx + 1))
	done < <(cross_pairs)
}

# Top-level totals over every kernel, harness cases and upstream tests.
totals() {
	local r
	{
	for r in "${runs[@]}"; do
		[ -f "$r/error" ] && { echo error; continue; }
		case_results "$r" | cut -f2
		upstream_results "$r" | cut -f2
	done
	cross_pairs | cut -f2
	} | awk '{ n[$1]++ }
	END {
		printf "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n",
			n["pass"], n["fail"], n["xfail"], n["xpass"], n["skip"], n["error"]
	}'
}

write_ktap() {
	local i=0 r npairs
	npairs=$(cross_pairs | wc -l)
	echo "KTAP version 1"
	echo "# xsave-abi in an emulated machine: ${#runs[@]} kernel(s), $npairs cross-kernel state move(s)"
	echo "1..$((${#runs[@]} + npairs))"
	for r in "${runs[@]}"; do
		i=$((i + 1))
		ktap_kernel "$r" "$i"
	done
	ktap_cross $((i + 1))
	if [ "${#runs[@]}" -gt 1 ]; then
		comparison
		matrix_table
	fi
	totals
}

json_upstream() {
	local sep="" t res reason
	printf '['
	while IFS=$'\t' read -r t res reason; do
		printf '%s{"name":%s,"result":"%s","reason":%s}' "$sep" "$(json_str "$t")" \
			"$res" "$(json_str "$reason")"
		sep=,
	done < <(upstream_results "$1")
	printf ']'
}

json_params() {
	local sep="" k v
	printf '{'
	while IFS='=' read -r k v; do
		printf '%s%s:%s' "$sep" "$(json_str "$k")" "$(json_str "$v")"
		sep=,
	done <"$1"
	printf '}'
}

json_run() {
	local r=$1 line sep=""
	printf '{"kernel":%s,"machine":%s,"package":%s,"wall_ms":%s,' \
		"$(json_str "$(cat "$r/label")")" "$(json_str "$(cat "$r/machine")")" \
		"$(json_str "$(cat "$r/package")")" "$(cat "$r/wall_ms")"
	if [ -f "$r/error" ]; then
		printf '"error":%s,"console_tail":[' "$(json_str "$(cat "$r/error")")"
		while IFS= read -r line; do
			printf '%s%s' "$sep" "$(json_str "$line")"
			sep=,
		done < <(tail -n 25 "$r/console.log")
		printf ']}'
		return
	fi
	printf '"release":%s,"kvm_amd":%s,"passed":%s,"upstream":%s,' \
		"$(json_str "$(cat "$r/out/release")")" "$(json_params "$r/out/kvm_amd_params")" \
		"$(run_verdict "$r" >/dev/null && echo true || echo false)" "$(json_upstream "$r")"
	# The harness's own report, its opening brace dropped: host, results, totals.
	sed '1s/^{//' "$r/out/results.json"
}

json_cross() {
	local sep="" name res reason k from to
	printf '"cross_kernel":['
	while IFS=$'\t' read -r name res reason k from to; do
		printf '%s\n{"name":%s,"from":%s,"to":%s,"result":"%s","reason":%s}' "$sep" \
			"$(json_str "$name")" "$(json_str "$from")" "$(json_str "$to")" \
			"$res" "$(json_str "${reason#-}")"
		sep=,
	done < <(cross_pairs)
	printf ']'
}

write_json() {
	local sep="" r
	printf '{"tool":"xsave-abi","runs":['
	for r in "${runs[@]}"; do
		printf '%s\n' "$sep"
		json_run "$r"
		sep=,
	done
	printf '],\n'
	json_cross
	printf '}\n'
}

junit_upstream() {
	local t res reason
	while IFS=$'\t' read -r t res reason; do
		printf '    <testcase classname="upstream" name="%s">\n' "$(xml_str "$t")"
		case "$res" in
		skip) printf '      <skipped message="%s"/>\n' "$(xml_str "$reason")" ;;
		fail) printf '      <failure message="%s">%s</failure>\n' "$(xml_str "$reason")" \
			"$(tail -n 30 "$1/out/upstream/$t.log" 2>/dev/null | xml_esc)" ;;
		esac
		printf '    </testcase>\n'
	done < <(upstream_results "$1")
}

junit_suite() {
	local r=$1 label body
	label=$(cat "$r/label")
	if [ -f "$r/error" ]; then
		body=$(printf '    <testcase classname="vm" name="boot">\n      <error message="%s">%s</error>\n    </testcase>' \
			"$(xml_str "$(cat "$r/error")")" "$(tail -n 25 "$r/console.log" | xml_esc)")
	else
		body=$(sed -n '/^  <testsuite /,/^  <\/testsuite>/{/testsuite/d;p}' "$r/out/results.xml"
			junit_upstream "$r")
	fi
	printf '  <testsuite name="%s" tests="%d" failures="%d" errors="%d" skipped="%d" time="%s">\n' \
		"$(xml_str "$label")" "$(grep -c '^ *<testcase ' <<<"$body")" \
		"$(grep -c '^ *<failure' <<<"$body")" "$(grep -c '^ *<error' <<<"$body")" \
		"$(grep -c '^ *<skipped' <<<"$body")" \
		"$(awk -v ms="$(cat "$r/wall_ms")" 'BEGIN { printf "%.3f", ms / 1000 }')"
	printf '%s\n' "$body"
	printf '  </testsuite>\n'
}

junit_cross() {
	local name res reason k from to body
	body=$(while IFS=$'\t' read -r name res reason k from to; do
		printf '    <testcase classname="migration.cross_kernel" name="%s">\n' "$(xml_str "$name")"
		case "$res" in
		fail) printf '      <failure message="%s"/>\n' "$(xml_str "$reason")" ;;
		error) printf '      <error message="%s"/>\n' "$(xml_str "$reason")" ;;
		esac
		printf '    </testcase>\n'
	done < <(cross_pairs))
	[ -n "$body" ] || return 0
	printf '  <testsuite name="cross_kernel" tests="%d" failures="%d" errors="%d" skipped="0">\n' \
		"$(grep -c '^ *<testcase ' <<<"$body")" "$(grep -c '^ *<failure' <<<"$body")" \
		"$(grep -c '^ *<error' <<<"$body")"
	printf '%s\n  </testsuite>\n' "$body"
}

write_junit() {
	local r
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="xsave-abi --vm">\n'
	for r in "${runs[@]}"; do junit_suite "$r"; done
	junit_cross
	printf '</testsuites>\n'
}

# write_file FILE WRITER: WRITER's output into FILE, never a partial one. An
# absent or regular file, also through a symlink (the link stays), is
# written to FILE.tmp-PID beside it and renamed over it once complete; a
# character device or FIFO is written in place; anything else is refused.
# A signal stops the writer, removes the temporary file and ends the script
# by the signal. The writer runs as a job: bash 5.2 misparses a trap that
# runs amid its command substitutions, but not one that runs during wait.
partial="" writer=""
write_file() {
	local to s
	to=$(realpath -m -- "$1")
	if [ -c "$to" ] || [ -p "$to" ]; then
		"$2" >"$to" || { echo "vm: writing $1 failed" >&2; exit 2; }
		return 0
	fi
	if [ -e "$to" ] && [ ! -f "$to" ]; then
		echo "vm: $1 is not a regular file, a character device or a FIFO: not written" >&2
		exit 2
	fi
	partial=$to.tmp-$$ writer=""
	for s in INT TERM HUP; do
		trap 'kill -TERM $writer 2>/dev/null; wait $writer; rm -f "$partial"
			trap - '$s'; kill -s '$s' $$' $s
	done
	rm -f "$partial"
	"$2" >"$partial" &
	writer=$!
	if ! wait "$writer" || ! mv -fT "$partial" "$to"; then
		rm -f "$partial"
		echo "vm: writing $1 failed" >&2
		exit 2
	fi
	trap - INT TERM HUP
}

[ ${#runs[@]} -gt 0 ] || { echo "compose.sh: no run folders" >&2; exit 2; }
write_ktap
[ -z "$json" ] || write_file "$json" write_json
[ -z "$junit" ] || write_file "$junit" write_junit
for r in "${runs[@]}"; do run_verdict "$r" >/dev/null || exit 1; done
cross_pairs | cut -f2 | grep -qv '^pass$' && exit 1
exit 0
