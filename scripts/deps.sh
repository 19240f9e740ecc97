#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages named on the command line when they are missing.
# As root on Debian this runs apt-get; otherwise it prints the exact command.
set -eu

missing=""
for pkg in "$@"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "xsave-abi: missing packages:$missing" >&2
	echo "xsave-abi: this is not a Debian system; install their equivalents by hand" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "xsave-abi: missing Debian packages:$missing" >&2
	echo "xsave-abi: run as root: apt-get install -y$missing" >&2
	exit 1
fi
echo "xsave-abi: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale or empty package list makes apt-get miss current package versions.
apt-get install -y -q $missing >&2 ||
	{ apt-get update -q >&2 && apt-get install -y -q $missing >&2; }
