#!/bin/sh
# ready: waits until what a release of the app uses answers, and creates its bucket: the step before a
# release's containers start (constructs/docker/release.ts). Run as a one-shot container on the internal
# network; exits 0 when everything answers, 1 after READY_TIMEOUT_SECONDS (default 180).
#
# Environment (each part only when the app has it):
#   READY_POSTGRES=host:port    Postgres accepts connections (pg_isready)
#   READY_POSTGRES_MAJOR=17     ... and is this major (PGUSER, PGPASSWORD, PGDATABASE log in): after a change of
#                               major, the new server on its new volume, not the old one on its way out
#   READY_BUCKET=name           the bucket exists: created unless it does (`backup ensure-bucket`, S3_* as for backup)
#   READY_TCP="host:port ..."   these accept a TCP connection (the cache)
set -eu

log() { printf '%s ready: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

timeout_seconds=${READY_TIMEOUT_SECONDS:-180}
deadline=$(($(date +%s) + timeout_seconds))

# until_ready WHAT COMMAND...: retries COMMAND every second until it succeeds or the deadline passes.
until_ready() {
	what=$1
	shift
	until "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "$what did not answer within ${timeout_seconds}s"
			"$@" || true # its own words on why
			exit 1
		fi
		sleep 1
	done
	log "$what answers"
}

if [ -n "${READY_POSTGRES-}" ]; then
	until_ready "Postgres at $READY_POSTGRES" pg_isready -q -t 3 -h "${READY_POSTGRES%:*}" -p "${READY_POSTGRES##*:}"
fi
# postgres_major MAJOR: the server at READY_POSTGRES is PostgreSQL MAJOR
postgres_major() {
	num=$(PGCONNECT_TIMEOUT=3 psql -X -At --no-password -h "${READY_POSTGRES%:*}" -p "${READY_POSTGRES##*:}" -c 'SHOW server_version_num') || return 1
	[ "$((num / 10000))" = "$1" ] && return 0
	echo "Postgres at $READY_POSTGRES is $((num / 10000)), not $1" >&2
	return 1
}
if [ -n "${READY_POSTGRES_MAJOR-}" ]; then
	until_ready "Postgres $READY_POSTGRES_MAJOR at $READY_POSTGRES" postgres_major "$READY_POSTGRES_MAJOR"
fi
if [ -n "${READY_BUCKET-}" ]; then
	until_ready "the bucket $READY_BUCKET" env S3_BUCKET="$READY_BUCKET" backup ensure-bucket
fi
for target in ${READY_TCP-}; do
	# dash has no /dev/tcp; the base image's bash does.
	until_ready "$target" timeout 3 bash -c "exec 3<>/dev/tcp/${target%:*}/${target##*:}"
done
