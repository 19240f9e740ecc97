# SPDX-License-Identifier: GPL-2.0-only
# Sourced by run.sh and vm/*.sh: catch_signals FUNC has SIGINT, SIGTERM and
# SIGHUP call "FUNC SIG N"; FUNC stops what it started, then die_by SIG N
# ends the script by that same signal (128+N to a shell), never as an
# ordinary failure that would let a caller go on.
catch_signals() {
	trap "$1 INT 2" INT
	trap "$1 TERM 15" TERM
	trap "$1 HUP 1" HUP
}

die_by() {
	trap - "$1"
	kill -s "$1" "$BASHPID"	# the subshell it runs in, if one
	exit $((128 + $2))
}
