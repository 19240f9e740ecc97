# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the shell tests, after they set t_name: check WHAT EXPR counts
# whether EXPR holds and names WHAT when it does not; skip WHAT REASON counts
# checks this host cannot run and says why; t_done prints the
# "NAME: N passed, N failed, N skipped" line run-tests.sh adds up and ends
# the test, exit 1 when a check failed or none was counted at all.
passed=0
failed=0
skipped=0

check() {
	if eval "$2"; then
		passed=$((passed + 1))
	else
		echo "FAIL $t_name: $1"
		failed=$((failed + 1))
	fi
}

skip() {
	echo "SKIP $t_name: $1: $2"
	skipped=$((skipped + 1))
}

t_done() {
	# A test that counted nothing stopped before its checks: not a pass.
	if [ $((passed + failed + skipped)) -eq 0 ]; then
		echo "FAIL $t_name: no check ran"
		failed=1
	fi
	echo "$t_name: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] || exit 1
	exit 0
}
