#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The project's own apt configuration, kept in the download cache: for each
# set of Debian suites, CACHE/apt/SET/ holds apt.conf, sources.list, lists/
# and cache/. apt reads none of the system's sources, pinning or installed
# packages and installs nothing (packages are fetched with apt-get download
# and unpacked with dpkg -x), so it works as root and as any user who can
# write CACHE.
#   SET bullseye  bullseye, bullseye-security
#       bookworm  bookworm, bookworm-security
#       sid       sid (unstable)
#       trixie    trixie, with its source packages (Bochs is built from one)
# Sourced by fetch.sh, which sets $cache first. Run on its own it runs one
# apt command with a set's configuration (apt-get update fills its lists):
#   apt.sh CACHE SET apt-cache|apt-get ARGS...
set -u

apt_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
apt_mirror=http://deb.debian.org
job=""	# the job apt_job waits for, for a signal handler to stop
apt_ms=""	# how long the last apt_update took, in ms

# apt_suites SET: the sources.list of SET.
apt_suites() {
	local opts="[arch=amd64 lang=none target=Packages signed-by=$apt_keyring]"
	case "$1" in
	bullseye | bookworm)
		echo "deb $opts $apt_mirror/debian $1 main"
		echo "deb $opts $apt_mirror/debian-security $1-security main"
		;;
	sid) echo "deb $opts $apt_mirror/debian sid main" ;;
	trixie)
		echo "deb $opts $apt_mirror/debian trixie main"
		echo "deb-src [lang=none target=Sources signed-by=$apt_keyring] $apt_mirror/debian trixie main"
		;;
	*) echo "vm: unknown apt set '$1' (known: bullseye, bookworm, sid, trixie)" >&2; return 2 ;;
	esac
}

# apt_conf SET DIR: SET's apt.conf. The system's apt.conf.d is still read
# (a proxy may be set there); its update hooks are cleared, since they
# would act on the system's package cache. Sandbox user root: apt runs as
# whoever runs it (as root, _apt could not write a private download folder).
# The binary caches kept, even where apt.conf.d turns them off (container
# images do): without them each apt-cache call parses the lists, about 1 s.
apt_conf() {
	cat <<EOF
Dir::Etc::SourceList "$2/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "/dev/null";
Dir::State::Lists "$2/lists";
Dir::State::status "/dev/null";
Dir::Cache "$2/cache";
Dir::Cache::pkgcache "pkgcache.bin";
Dir::Cache::srcpkgcache "srcpkgcache.bin";
#clear APT::Architectures;
APT::Architectures:: "amd64";
Acquire::Languages "none";
Acquire::http::Timeout "30";
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
APT::Sandbox::User "root";
EOF
}

# apt_names SET: SET's suites, for messages.
apt_names() {
	case "$1" in
	sid) echo "sid" ;;
	*) echo "$1 and $1-security" ;;
	esac
}

# apt_init SET: create SET's folder, or bring its files up to date; a
# changed sources.list makes the lists stale. Sets apt_dir and apt_c (the
# options that select the configuration).
apt_init() {
	local d=$cache/apt/$1 new
	case "$d" in
	*'"'* | *$'\n'*) echo "vm: $cache: a cache path with \" or a newline cannot go into apt.conf" >&2; return 2 ;;
	esac
	new=$(apt_suites "$1") || return 2
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" ||
		{ echo "vm: cannot create $d" >&2; return 2; }
	if [ "$(cat "$d/sources.list" 2>/dev/null)" != "$new" ]; then
		echo "$new" >"$d/sources.list" && rm -f "$d/updated" ||
			{ echo "vm: cannot write $d/sources.list" >&2; return 2; }
	fi
	[ "$(cat "$d/apt.conf" 2>/dev/null)" = "$(apt_conf "$1" "$d")" ] ||
		apt_conf "$1" "$d" >"$d/apt.conf" || { echo "vm: cannot write $d/apt.conf" >&2; return 2; }
	apt_dir=$d
	apt_c=(-c "$d/apt.conf")
}

# apt_run CMD ARGS...: apt-get or apt-cache with the set apt_init chose.
apt_run() {
	local cmd=$1
	shift
	"$cmd" "${apt_c[@]}" "$@"
}

# apt_job CMD...: CMD as a job waited for, its PID in $job: bash runs a
# signal trap during wait at once, and the trap can stop the job.
apt_job() {
	local rc
	"$@" &
	job=$!
	wait "$job"
	rc=$?
	job=""
	return "$rc"
}

# apt_lists: the set has package lists at all.
apt_lists() {
	[ -e "$apt_dir/updated" ] && compgen -G "$apt_dir/lists/*_Packages*" >/dev/null
}

# apt_fresh: the set's lists were updated less than a day ago.
apt_fresh() {
	apt_lists && [ -n "$(find "$apt_dir/updated" -mmin -1440)" ]
}

# apt_update LOG: apt-get update of the set, output in LOG (with the time
# it took, also in apt_ms); the lists are fresh only if no index failed.
apt_update() {
	local t0 rc
	t0=$(date +%s%N)
	apt_job apt-get "${apt_c[@]}" -q update >"$1" 2>&1
	rc=$?
	apt_ms=$((($(date +%s%N) - t0) / 1000000))
	echo "apt-get update: exit $rc in $apt_ms ms" >>"$1"
	[ "$rc" = 0 ] && ! grep -q -E '^(E: |Err:)' "$1" && touch "$apt_dir/updated"
}

# apt_why LOG: apt's own reason: its first error or failed fetch (which
# apt-get update reports as a warning, exit status 0).
apt_why() {
	{ grep -m 1 -E '^(E: |W: Failed to fetch )' "$1" || grep -m 1 -A 1 '^Err:' "$1" | paste -sd ' '; } |
		tr -s ' ' | cut -c 1-300
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -ge 3 ] || { echo "vm: usage: apt.sh CACHE SET apt-cache|apt-get ARGS..." >&2; exit 2; }
	case "$3" in
	apt-get | apt-cache) ;;
	*) echo "vm: apt.sh runs apt-get or apt-cache, not '$3'" >&2; exit 2 ;;
	esac
	mkdir -p "$1" && cache=$(cd "$1" && pwd) || { echo "vm: cannot create $1" >&2; exit 2; }
	apt_init "$2" || exit 2
	shift 2
	if [ "$1 ${2:-}" = "apt-get update" ]; then
		apt_run "$@" && touch "$apt_dir/updated"
	else
		apt_run "$@"
	fi
fi
