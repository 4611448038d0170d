#!/usr/bin/env bash
# Project-managed PostgreSQL for development, tests and benchmarks.
#
#   scripts/pg.sh start <datadir> <port> [--fast]   init (if needed) + start, idempotent
#   scripts/pg.sh stop  <datadir>                   fast shutdown, no error if not running
#   scripts/pg.sh url   <datadir> <port>            print the connection URL
#
# The server listens on 127.0.0.1:<port> only, keeps its unix socket inside
# <datadir> (never /var/run/postgresql), and logs to <datadir>/server.log.
# --fast turns off durability (fsync, synchronous_commit, full_page_writes):
# use it for throwaway test data only.
#
# PostgreSQL refuses to run as root; when this script runs as root every
# server-side command runs as the `postgres` OS user (created if missing).
set -euo pipefail

PROG=scripts/pg.sh
READY_TIMEOUT=30

die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

usage() {
	cat >&2 <<EOF
usage: $PROG start <datadir> <port> [--fast]
       $PROG stop  <datadir>
       $PROG url   <datadir> <port>
EOF
	exit 2
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Run a command as the server's OS user (postgres when we are root), from /
# so that an unreadable current directory (e.g. /root) does not matter.
# fd 9 (our start lock) is closed so the postmaster never inherits it.
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@" 9>&-)
	else
		(cd / && "$@" 9>&-)
	fi
}

check_port() {
	[[ $1 =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)) || die "invalid port '$1'"
}

# Newest /usr/lib/postgresql/<ver>/bin that has a server; if the data dir was
# created by a specific major version, prefer that version's binaries.
find_bindir() {
	local want=${1:-} d best=
	if [[ -n $want && -x /usr/lib/postgresql/$want/bin/pg_ctl ]]; then
		echo "/usr/lib/postgresql/$want/bin"
		return 0
	fi
	while IFS= read -r d; do
		[[ -x $d/pg_ctl && -x $d/initdb && -x $d/postgres ]] && best=$d
	done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
	[[ -n $best ]] || return 1
	if [[ -n $want ]]; then
		note "warning: data dir was created by PostgreSQL $want but only $best is installed; the server may refuse to start"
	fi
	echo "$best"
}

install_binaries() {
	is_root || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin.
Install them (as root): apt-get update && apt-get install -y postgresql-15   (or: postgresql)"
	command -v apt-get >/dev/null || die "PostgreSQL binaries missing and apt-get is not available; install PostgreSQL (server) manually"
	note "PostgreSQL binaries not found; installing them with apt-get (one-time)..."
	# Don't let the Debian packaging create and start its own 'main' cluster
	# on port 5432; this project runs its own clusters.
	mkdir -p /etc/postgresql-common/createcluster.d
	if [[ ! -e /etc/postgresql-common/createcluster.d/00-aezen-no-main-cluster.conf ]]; then
		echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/00-aezen-no-main-cluster.conf
	fi
	local log
	log=$(mktemp)
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		die "apt-get update failed"
	fi
	if ! apt-get install -y postgresql-15 >>"$log" 2>&1 &&
		! apt-get install -y postgresql >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		die "apt-get install of PostgreSQL failed"
	fi
	rm -f "$log"
}

ensure_pg_user() {
	is_root || return 0
	getent passwd postgres >/dev/null && return 0
	note "creating system user 'postgres'"
	if getent group postgres >/dev/null; then
		useradd --system --gid postgres --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
	else
		useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres
	fi
}

# When root: every ancestor of the data dir must be traversable by postgres.
check_parents_traversable() {
	is_root || return 0
	local parent d
	parent=$(dirname "$1")
	runuser -u postgres -- test -x "$parent" && return 0
	d=$parent
	while :; do
		if ! runuser -u postgres -- test -x "$d"; then
			local p
			p=$(dirname "$d")
			# report the highest ancestor that blocks traversal
			if [[ $d == / ]] || runuser -u postgres -- test -x "$p"; then
				die "directory '$d' is not traversable by the 'postgres' user (mode $(stat -c %A "$d"), owner $(stat -c %U "$d")),
so PostgreSQL cannot reach its data dir $1.
Fix with:  chmod o+x '$d'   or use a data dir elsewhere (e.g. DATA_DIR=/var/tmp/aezen)"
			fi
		fi
		[[ $d == / ]] && break
		d=$(dirname "$d")
	done
	die "the 'postgres' user cannot traverse '$parent'"
}

pid_file_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null || true; }

# A postmaster.pid whose PID now belongs to some other process (PID reuse
# after a container/machine restart) makes pg_ctl think the server runs and
# makes postgres refuse to start. Remove it in that case only; a PID that is
# simply dead is handled by pg_ctl/postgres themselves.
clear_reused_pid() {
	local dd=$1 pid comm
	[[ -f $dd/postmaster.pid ]] || return 0
	pid=$(head -n 1 "$dd/postmaster.pid" 2>/dev/null || true)
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	[[ -r /proc/$pid/comm ]] || return 0 # dead: pg_ctl deals with it
	comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
	if [[ $comm != postgres && $comm != postmaster ]]; then
		note "removing stale $dd/postmaster.pid (PID $pid is now '$comm')"
		rm -f "$dd/postmaster.pid"
	fi
}

log_tail() {
	local log=$1/server.log
	if [[ -f $log ]]; then
		echo "---- last 30 lines of $log ----" >&2
		tail -n 30 "$log" >&2
		echo "----" >&2
	fi
}

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

write_conf() {
	local dd=$1 port=$2 fast=$3 sockdir conf tmp
	sockdir=$dd
	# unix socket paths are limited to 107 bytes; fall back to TCP only.
	if ((${#dd} + ${#port} + 11 > 107)); then
		note "warning: data dir path too long for a unix socket; listening on TCP only"
		sockdir=
	fi
	conf="$dd/aezen.conf"
	tmp=$(mktemp)
	{
		echo "# Generated by scripts/pg.sh on every start; do not edit."
		echo "listen_addresses = '127.0.0.1'"
		echo "port = $port"
		echo "unix_socket_directories = $(sql_quote "$sockdir")"
		echo "max_connections = 300"
		echo "shared_buffers = 256MB"
		if [[ $fast == 1 ]]; then
			echo "# --fast: test data only, not crash safe"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		else
			echo "fsync = on"
			echo "synchronous_commit = on"
			echo "full_page_writes = on"
		fi
	} >"$tmp"
	CONF_CHANGED=0
	if ! cmp -s "$tmp" "$conf"; then
		CONF_CHANGED=1
		cat "$tmp" >"$conf"
	fi
	rm -f "$tmp"
	is_root && chown postgres:postgres "$conf"
	chmod 600 "$conf"
	if ! grep -qx "include_if_exists = 'aezen.conf'" "$dd/postgresql.conf"; then
		printf '\n# project settings (scripts/pg.sh)\ninclude_if_exists = '"'aezen.conf'"'\n' >>"$dd/postgresql.conf"
	fi
}

cmd_start() {
	local datadir=$1 port=$2 fast=$3 dd lockfile bindir ver st running_port

	dd=$(realpath -m -- "$datadir")
	[[ $dd != / ]] || die "refusing to use / as data dir"

	bindir=
	ver=
	[[ -f $dd/PG_VERSION ]] && ver=$(<"$dd/PG_VERSION")
	if ! bindir=$(find_bindir "$ver"); then
		install_binaries
		bindir=$(find_bindir "$ver") || die "PostgreSQL installed but no server binaries under /usr/lib/postgresql/*/bin"
	fi
	ensure_pg_user

	# Parent dirs we create must be traversable by postgres whatever the umask.
	(umask 022 && mkdir -p -- "$(dirname "$dd")")

	# Serialize concurrent starts of the same data dir (parallel make, etc.).
	if command -v flock >/dev/null; then
		lockfile="$(dirname "$dd")/.$(basename "$dd").lock"
		exec 9>"$lockfile"
		flock -w 120 9 || die "timed out waiting for $lockfile (another '$PROG start' for this data dir?)"
	fi

	check_parents_traversable "$dd"

	if [[ ! -f $dd/PG_VERSION ]]; then
		mkdir -p -- "$dd"
		if [[ -n $(ls -A -- "$dd") ]]; then
			die "$dd exists, is not empty and is not a PostgreSQL data dir; remove it or pick another"
		fi
		chmod 700 "$dd"
		is_root && chown postgres:postgres "$dd"
		local initlog
		initlog=$(mktemp)
		if ! as_pg "$bindir/initdb" -D "$dd" --auth=trust --username=postgres \
			--encoding=UTF8 --no-locale >"$initlog" 2>&1; then
			cat "$initlog" >&2
			rm -f "$initlog"
			die "initdb failed for $dd"
		fi
		rm -f "$initlog"
	elif is_root && [[ $(stat -c %U "$dd") != postgres ]]; then
		note "fixing ownership of $dd (-> postgres)"
		chown -R postgres:postgres "$dd"
		chmod 700 "$dd"
	fi

	clear_reused_pid "$dd"
	st=0
	as_pg "$bindir/pg_ctl" status -D "$dd" >/dev/null 2>&1 || st=$?
	if [[ $st -eq 0 ]]; then
		running_port=$(pid_file_port "$dd")
		if [[ -n $running_port && $running_port != "$port" ]]; then
			die "server for $dd is already running on port $running_port, not $port; stop it first: $PROG stop $datadir"
		fi
	fi

	write_conf "$dd" "$port" "$fast"

	if [[ $st -eq 0 ]]; then
		if [[ $CONF_CHANGED == 1 ]]; then
			note "settings changed; reloading (max_connections/shared_buffers changes need: $PROG stop $datadir)"
			as_pg "$bindir/pg_ctl" reload -D "$dd" -s >/dev/null
		fi
	else
		local out
		if ! out=$(as_pg "$bindir/pg_ctl" start -D "$dd" -l "$dd/server.log" -w -t "$READY_TIMEOUT" -s 2>&1); then
			[[ -n $out ]] && echo "$out" >&2
			log_tail "$dd"
			die "could not start PostgreSQL (data dir $dd, port $port)"
		fi
	fi

	local i
	for ((i = 0; i < READY_TIMEOUT * 4; i++)); do
		if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2; then
			echo "postgres ready on 127.0.0.1:$port (data in $dd)" >&2
			return 0
		fi
		sleep 0.25
	done
	log_tail "$dd"
	die "PostgreSQL did not become ready on 127.0.0.1:$port within ${READY_TIMEOUT}s"
}

cmd_stop() {
	local dd bindir ver st
	dd=$(realpath -m -- "$1")
	[[ -f $dd/PG_VERSION ]] || return 0
	ver=$(<"$dd/PG_VERSION")
	bindir=$(find_bindir "$ver") || return 0
	clear_reused_pid "$dd"
	st=0
	as_pg "$bindir/pg_ctl" status -D "$dd" >/dev/null 2>&1 || st=$?
	[[ $st -eq 0 ]] || return 0
	if ! as_pg "$bindir/pg_ctl" stop -D "$dd" -m fast -w -s; then
		log_tail "$dd"
		die "could not stop PostgreSQL in $dd"
	fi
	echo "postgres stopped (data in $dd)" >&2
}

cmd_url() {
	echo "postgres://postgres@127.0.0.1:$1/postgres?sslmode=disable"
}

main() {
	[[ $# -ge 1 ]] || usage
	local cmd=$1
	shift
	case $cmd in
	start)
		local fast=0 args=() a
		for a in "$@"; do
			case $a in
			--fast) fast=1 ;;
			-*) usage ;;
			*) args+=("$a") ;;
			esac
		done
		[[ ${#args[@]} -eq 2 ]] || usage
		check_port "${args[1]}"
		cmd_start "${args[0]}" "${args[1]}" "$fast"
		;;
	stop)
		[[ $# -eq 1 ]] || usage
		cmd_stop "$1"
		;;
	url)
		[[ $# -eq 2 ]] || usage
		check_port "$2"
		cmd_url "$2"
		;;
	*) usage ;;
	esac
}

main "$@"
