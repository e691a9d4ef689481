#!/bin/sh
# Entrypoint for portable-backend/postgres (Debian postgresql-$PG_MAJOR).
#
# Environment (same meaning as in the official postgres image):
#   POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE  superuser password (required on first start)
#   POSTGRES_USER      superuser name            (default: postgres)
#   POSTGRES_DB        database created on first start (default: $POSTGRES_USER)
#   POSTGRES_INITDB_ARGS  extra initdb arguments (word-split)
#   PGDATA             data directory            (default: /var/lib/postgresql/data)
# On first start with an empty $PGDATA it runs initdb (scram-sha-256 for TCP,
# trust on the container-local unix socket), listens on all interfaces,
# allows password (scram) logins from any address, creates the database,
# runs /docker-entrypoint-initdb.d/*.sql and *.sh, then execs postgres.
# A data directory of another major (its PG_VERSION) is refused before anything
# touches it: a server never runs on another major's files.
set -eu

log() { printf '%s postgres-entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# file_env VAR [DEFAULT]: VAR may instead be given as a path in VAR_FILE.
# shellcheck source=SCRIPTDIR/../common/file-env.sh
. /usr/local/lib/portable-backend/file-env.sh

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# `docker run image -c foo=bar` -> postgres -c foo=bar
case "${1-}" in
-*) set -- postgres "$@" ;;
esac

if [ "${1-}" != postgres ]; then
	exec "$@"
fi

# PG_VERSION names the major that made the cluster; the files of another major are
# neither read nor converted by this server, so nothing may start on them (not even
# the temporary server that sets the password below).
if [ -s "$PGDATA/PG_VERSION" ]; then
	data_major=$(cat "$PGDATA/PG_VERSION")
	if [ "$data_major" != "$PG_MAJOR" ]; then
		die "$PGDATA holds a PostgreSQL $data_major cluster and this image is PostgreSQL $PG_MAJOR; nothing was started or changed. \
Keep running the $data_major image on it (database.postgres: $data_major, images.postgres: its $data_major image), or move the data: \
dump it with the $data_major server still running (npm run backup -- <env>), deploy $PG_MAJOR (an environment's data volume is per major: \
$PG_MAJOR starts on a new, empty one and this one is kept), then restore the dump (npm run restore -- <env> --from <key>); \
README \"Upgrading Postgres\""
	fi
fi

# Started as root (e.g. a bind mount that needs fixing): repair ownership of
# the data directory and drop to the postgres user.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA"
	chown postgres:postgres "$PGDATA"
	chmod 0700 "$PGDATA"
	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		chown -R postgres:postgres "$PGDATA"
	fi
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	: "${POSTGRES_INITDB_ARGS:=}"

	[ -n "$POSTGRES_PASSWORD" ] || die "the database is uninitialized and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is not set"
	mkdir -p "$PGDATA" 2>/dev/null || true
	if ! [ -d "$PGDATA" ] || ! [ -w "$PGDATA" ]; then
		die "$PGDATA is not a directory writable by uid $(id -u); chown it to 999:999 or start the container as root once so the entrypoint can fix it"
	fi
	chmod 0700 "$PGDATA" 2>/dev/null || true
	if [ -n "$(ls -A "$PGDATA" 2>/dev/null)" ]; then
		# e.g. lost+found on a fresh block volume: initdb refuses non-empty dirs
		die "$PGDATA is not empty but has no PG_VERSION; mount the volume one level up or use a subdirectory as PGDATA"
	fi

	log "initializing database cluster in $PGDATA (superuser: $POSTGRES_USER)"
	tmp=$(mktemp -d)
	# The password reaches initdb through a FIFO, never a file on disk.
	mkfifo -m 0600 "$tmp/pwfile"
	printf '%s\n' "$POSTGRES_PASSWORD" >"$tmp/pwfile" &
	writer=$!
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is meant to be word-split
	if ! initdb --username="$POSTGRES_USER" --pwfile="$tmp/pwfile" \
		--auth-local=trust --auth-host=scram-sha-256 \
		--encoding=UTF8 --locale=C.UTF-8 $POSTGRES_INITDB_ARGS >/dev/null; then
		kill "$writer" 2>/dev/null || true
		rm -rf "$tmp"
		die "initdb failed"
	fi
	wait "$writer" 2>/dev/null || true
	rm -rf "$tmp"

	{
		echo
		echo "# added by docker-entrypoint.sh"
		echo "listen_addresses = '*'"
		echo "password_encryption = 'scram-sha-256'"
	} >>"$PGDATA/postgresql.conf"
	{
		echo
		echo "# added by docker-entrypoint.sh: password (scram) logins from any address;"
		echo "# the container only sits on an internal network"
		echo "host all all all scram-sha-256"
	} >>"$PGDATA/pg_hba.conf"

	# Temporary server on the unix socket only.
	pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w -t 60 start >/dev/null
	psql_run() { psql -X -q -v ON_ERROR_STOP=1 --no-password --username="$POSTGRES_USER" "$@"; }
	exists=$(psql_run --dbname=postgres -At -v db="$POSTGRES_DB" <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'db';
SQL
)
	if [ "$exists" != 1 ]; then
		log "creating database $POSTGRES_DB"
		psql_run --dbname=postgres -v db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sh) log "running $f"; PGUSER=$POSTGRES_USER PGDATABASE=$POSTGRES_DB sh "$f" ;;
		*.sql) log "running $f"; psql_run --dbname="$POSTGRES_DB" -f "$f" ;;
		*) log "ignoring $f" ;;
		esac
	done
	pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
	unset POSTGRES_PASSWORD
	log "init complete; starting postgres"
else
	# An existing cluster (a kept volume) gets the password this container was given: after a
	# destroy that kept the data, the next deploy generates a new password, and the app must be
	# able to log in with it. Done over the local socket before any TCP listener exists.
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	if [ -n "$POSTGRES_PASSWORD" ]; then
		pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w -t 120 start >/dev/null
		psql -X -q -v ON_ERROR_STOP=1 --no-password --username="$POSTGRES_USER" --dbname=postgres \
			-v user="$POSTGRES_USER" -v pw="$POSTGRES_PASSWORD" <<'SQL' || { pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null; die "could not set the password of $POSTGRES_USER"; }
ALTER ROLE :"user" PASSWORD :'pw';
SQL
		pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
		log "existing cluster: password of $POSTGRES_USER set from the environment"
	fi
fi

unset POSTGRES_PASSWORD POSTGRES_PASSWORD_FILE 2>/dev/null || true
exec "$@"
