# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the shell tests, after they set t_name: check WHAT EXPR counts
# whether EXPR holds and names WHAT when it does not; t_done prints the
# "NAME: N passed, N failed" line run-tests.sh adds up and ends the test,
# exit 1 when a check failed.
passed=0
failed=0

check() {
	if eval "$2"; then
		passed=$((passed + 1))
	else
		echo "FAIL $t_name: $1"
		failed=$((failed + 1))
	fi
}

t_done() {
	echo "$t_name: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] || exit 1
	exit 0
}
