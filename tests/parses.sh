#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Whether report files parse with real parsers: JSON with python3's json,
# JUnit with its ElementTree. Prints one FAIL line per file that does not.
# usage: parses.sh FILE.json|FILE.xml...
rc=0
for f in "$@"; do
	case "$f" in
	*.json) code='import json,sys; json.load(open(sys.argv[1]))' ;;
	*.xml) code='import xml.etree.ElementTree as E,sys; E.parse(sys.argv[1])' ;;
	*) echo "parses.sh: $f: neither .json nor .xml" >&2; rc=1; continue ;;
	esac
	# A missing file is no parse, whatever python3 makes of it.
	[ -f "$f" ] || { echo "FAIL $f is missing"; rc=1; continue; }
	python3 -c "$code" "$f" || { echo "FAIL $f does not parse"; rc=1; }
done
exit $rc
