#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copy a module and everything it depends on (modinfo's "depends", followed
# recursively) out of a kernel's lib/modules/RELEASE folder, uncompressed,
# and list them in load order (dependencies first) in OUT/ORDER (default
# order). Modules other lists share are copied once.
# usage: modclosure.sh MODULES_DIR MODULE OUT [ORDER]
set -u
mdir=$1
top=$2
out=$3
list=$out/${4:-order}

find_mod() {
	# Module names use _ where file names may use -.
	local re
	re=$(echo "$1" | sed 's/[-_]/[-_]/g')
	find "$mdir" -regextype posix-extended -regex ".*/$re\\.ko(\\.xz|\\.zst|\\.gz)?" | head -n 1
}

uncompress() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

visit() {
	local name=${1//-/_} file dep
	grep -qx "$name" "$list" 2>/dev/null && return 0
	file=$(find_mod "$name")
	[ -n "$file" ] || { echo "vm: module $name not found under $mdir" >&2; return 1; }
	uncompress "$file" >"$out/$name.ko" || return 1
	for dep in $(modinfo -F depends "$out/$name.ko" | tr ',' ' '); do
		visit "$dep" || return 1
	done
	echo "$name" >>"$list"
}

mkdir -p "$out"
: >"$list"
visit "$top"
