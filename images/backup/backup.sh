#!/bin/sh
# backup: PostgreSQL -> S3 dumps for portable-backend (sidecar image).
#
# Usage:
#   backup schedule          run `backup now` every BACKUP_INTERVAL_SECONDS, forever
#   backup now [--keep KEY]  dump the database to S3 (prints its key), then apply retention,
#                            which never deletes the newest dump, nor KEY
#   backup list              list dumps under the prefix (newest last)
#   backup resolve [KEY]     print the key `restore [KEY]` would restore; fail if there is none
#   backup restore [KEY]     restore the newest dump of PGDATABASE, or KEY
#   backup ensure-bucket     create S3_BUCKET if it does not exist
#
# Environment:
#   PGHOST PGPORT PGUSER PGDATABASE      libpq connection (PGDATABASE required except for list, ensure-bucket)
#   PGPASSWORD | PGPASSWORD_FILE         database password
#   S3_ENDPOINT                          http(s)://host[:port] (required)
#   S3_BUCKET                            bucket name (required)
#   S3_REGION                            default us-east-1
#   S3_ACCESS_KEY_ID[_FILE]              credentials (required)
#   S3_SECRET_ACCESS_KEY[_FILE]
#   BACKUP_PREFIX                        key prefix, default "backups"
#   BACKUP_RETENTION_DAYS                default 7 (the newest dump is always kept)
#   BACKUP_INTERVAL_SECONDS              default 86400 (schedule)
#   BACKUP_RUN_ON_START                  default true: schedule backs up once at start
#   BACKUP_ENSURE_BUCKET                 default true: schedule creates the bucket if missing
#   BACKUP_WAIT_FOR_DB_SECONDS           default 300: schedule waits this long for the db
#
# Dumps are `pg_dump --format=custom` streamed straight into the object store
# (no temporary file) as $BACKUP_PREFIX/<db>-<YYYYmmddTHHMMSSZ>.dump.
# Secrets are passed to rclone and libpq through the environment only and are
# never printed.
set -eu

REMOTE=pbs3 # rclone remote configured purely from RCLONE_CONFIG_PBS3_* below

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# file_env VAR [DEFAULT]: VAR may instead be given as a path in VAR_FILE.
# shellcheck source=SCRIPTDIR/../common/file-env.sh
. /usr/local/lib/portable-backend/file-env.sh

is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

configure() {
	file_env PGPASSWORD
	[ -n "$PGPASSWORD" ] || unset PGPASSWORD
	file_env S3_ACCESS_KEY_ID
	file_env S3_SECRET_ACCESS_KEY
	: "${S3_REGION:=us-east-1}"
	: "${BACKUP_PREFIX:=backups}"
	: "${BACKUP_RETENTION_DAYS:=7}"
	: "${BACKUP_INTERVAL_SECONDS:=86400}"
	: "${BACKUP_RUN_ON_START:=true}"
	: "${BACKUP_ENSURE_BUCKET:=true}"
	: "${BACKUP_WAIT_FOR_DB_SECONDS:=300}"

	# `configure db` for commands that talk to the database
	required="S3_ENDPOINT S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY"
	[ "${1-}" != db ] || required="PGDATABASE $required"
	missing=
	for v in $required; do
		eval "[ -n \"\${$v-}\" ]" || missing="$missing $v"
	done
	[ -z "$missing" ] || die "missing required environment:$missing"
	case $S3_ENDPOINT in
	http://* | https://*) ;;
	*) die "S3_ENDPOINT must start with http:// or https://" ;;
	esac
	is_uint "$BACKUP_RETENTION_DAYS" || die "BACKUP_RETENTION_DAYS must be a whole number of days"
	if ! is_uint "$BACKUP_INTERVAL_SECONDS" || [ "$BACKUP_INTERVAL_SECONDS" -eq 0 ]; then
		die "BACKUP_INTERVAL_SECONDS must be a positive integer"
	fi
	is_uint "$BACKUP_WAIT_FOR_DB_SECONDS" || die "BACKUP_WAIT_FOR_DB_SECONDS must be an integer"
	# strip leading/trailing slashes from the prefix
	BACKUP_PREFIX=$(printf '%s' "$BACKUP_PREFIX" | sed 's#^/*##; s#/*$##')

	export RCLONE_CONFIG_PBS3_TYPE=s3
	export RCLONE_CONFIG_PBS3_PROVIDER=Other
	export RCLONE_CONFIG_PBS3_ENV_AUTH=false
	export RCLONE_CONFIG_PBS3_ENDPOINT="$S3_ENDPOINT"
	export RCLONE_CONFIG_PBS3_REGION="$S3_REGION"
	export RCLONE_CONFIG_PBS3_ACCESS_KEY_ID="$S3_ACCESS_KEY_ID"
	export RCLONE_CONFIG_PBS3_SECRET_ACCESS_KEY="$S3_SECRET_ACCESS_KEY"
	export RCLONE_CONFIG_PBS3_FORCE_PATH_STYLE=true
	# uploads never try to create the bucket (see `ensure-bucket`)
	export RCLONE_CONFIG_PBS3_NO_CHECK_BUCKET=true
	: "${RCLONE_CONFIG:=/etc/rclone/rclone.conf}"
	export RCLONE_CONFIG
	export RCLONE_LOG_LEVEL="${RCLONE_LOG_LEVEL:-NOTICE}"

	# the object-name part of the database name
	DB_SLUG=$(printf '%s' "${PGDATABASE-}" | tr -c 'A-Za-z0-9._-' '_')
}

# bucket path of a key (or of the prefix)
s3path() { printf '%s:%s/%s' "$REMOTE" "$S3_BUCKET" "$1"; }
prefix_dir() { if [ -n "$BACKUP_PREFIX" ]; then printf '%s/' "$BACKUP_PREFIX"; fi; }

# all dump keys under the prefix, one per line as "<timestamp> <key>", oldest first
list_keys() {
	out=$(rclone lsf --files-only --include '*.dump' "$(s3path "$BACKUP_PREFIX")") ||
		die "cannot list s3://$S3_BUCKET/$(prefix_dir)"
	printf '%s\n' "$out" | while IFS= read -r name; do
		[ -n "$name" ] || continue
		ts=$(printf '%s\n' "$name" | sed -n 's/^.*-\([0-9]\{8\}T[0-9]\{6\}Z\)\.dump$/\1/p')
		[ -n "$ts" ] || continue
		printf '%s %s%s\n' "$ts" "$(prefix_dir)" "$name"
	done | sort
}

# dump keys of this database, oldest first, as "<timestamp> <key>": exactly the names `now` writes,
# so that database `app` does not claim (or expire) the dumps of a database `app-staging`
db_keys() {
	list_keys | while read -r ts key; do
		if [ "${key##*/}" = "$DB_SLUG-$ts.dump" ]; then printf '%s %s\n' "$ts" "$key"; fi
	done
}

# whether the object KEY exists
exists() {
	found=$(rclone lsf --files-only "$(s3path "$1")" 2>/dev/null) || true
	[ "$found" = "${1##*/}" ]
}

# resolve_key [KEY]: the key `restore [KEY]` restores, which must exist: KEY (a name under the
# prefix, a path in the bucket, or s3://bucket/path), or else the newest dump of this database
resolve_key() {
	key=${1-}
	if [ -z "$key" ]; then
		key=$(db_keys | tail -n 1)
		key=${key#* }
		[ -n "$key" ] || die "no dumps of database $PGDATABASE under s3://$S3_BUCKET/$(prefix_dir)"
	else
		key=${key#s3://"$S3_BUCKET"/}
		case $key in
		*/*) ;;
		*) key="$(prefix_dir)$key" ;;
		esac
		exists "$key" || die "no dump s3://$S3_BUCKET/$key (backup list shows the dumps)"
	fi
	printf '%s\n' "$key"
}

cmd_list() {
	configure
	lines=$(rclone lsf --files-only --include '*.dump' --format pst --separator ' ' \
		"$(s3path "$BACKUP_PREFIX")") || die "cannot list s3://$S3_BUCKET/$(prefix_dir)"
	# sort by the timestamp embedded in the name; print "key size modtime"
	printf '%s\n' "$lines" | while read -r name size mtime; do
		[ -n "$name" ] || continue
		ts=$(printf '%s\n' "$name" | sed -n 's/^.*-\([0-9]\{8\}T[0-9]\{6\}Z\)\.dump$/\1/p')
		printf '%s %s%s %s %s\n' "${ts:-0}" "$(prefix_dir)" "$name" "$size" "$mtime"
	done | sort | cut -d' ' -f2-
}

cmd_ensure_bucket() {
	configure
	if rclone lsf --max-depth 1 --files-only --include 'nothing-matches-this' "$(s3path '')" >/dev/null 2>&1; then
		log "bucket $S3_BUCKET exists"
		return 0
	fi
	log "creating bucket $S3_BUCKET"
	# no_check_bucket would turn mkdir into a no-op
	RCLONE_CONFIG_PBS3_NO_CHECK_BUCKET=false rclone mkdir "$(s3path '')" ||
		die "cannot create bucket $S3_BUCKET"
	rclone lsf --max-depth 1 --files-only --include 'nothing-matches-this' "$(s3path '')" >/dev/null ||
		die "bucket $S3_BUCKET still not visible after creating it"
	log "created bucket $S3_BUCKET"
}

retention() {
	# timestamps compare as 14-digit numbers (YYYYmmddHHMMSS)
	cutoff=$(date -u -d "@$(($(date -u +%s) - BACKUP_RETENTION_DAYS * 86400))" +%Y%m%d%H%M%S)
	keys=$(db_keys)
	newest=$(printf '%s\n' "$keys" | tail -n 1)
	newest=${newest#* }
	printf '%s\n' "$keys" | while read -r ts key; do
		if [ -z "$key" ] || [ "$key" = "$newest" ] || [ "$key" = "$keep" ]; then continue; fi
		# YYYYmmddTHHMMSSZ → YYYYmmddHHMMSS
		ts=${ts%Z}
		if [ "${ts%T*}${ts#*T}" -lt "$cutoff" ]; then
			if rclone deletefile "$(s3path "$key")"; then
				log "deleted $key (older than $BACKUP_RETENTION_DAYS days)"
			else
				log "warning: could not delete $key"
			fi
		fi
	done
}

cmd_now() {
	# --keep KEY: retention spares KEY as well. A restore takes a safety dump right before it reads
	# KEY; that dump becomes the newest, so KEY would no longer be spared as the newest and, if it
	# is older than the retention, would be deleted just before being restored.
	keep=
	case ${1-} in
	'') ;;
	--keep)
		if [ $# -ne 2 ] || [ -z "$2" ]; then usage; fi
		keep=$2
		;;
	*) usage ;;
	esac
	configure db
	# A key names one second: a second dump within it (a restore's safety dump right after a
	# `backup now`, say) waits for the next one rather than overwrite the dump a restore reads.
	while :; do
		ts=$(date -u +%Y%m%dT%H%M%SZ)
		key="$(prefix_dir)$DB_SLUG-$ts.dump"
		exists "$key" || break
		sleep 1
	done
	log "dumping database $PGDATABASE to s3://$S3_BUCKET/$key"
	started=$(date +%s)
	st=$(mktemp -d)
	# POSIX sh has no pipefail: each side records its exit status.
	{
		rc=0
		pg_dump --format=custom --no-password || rc=$?
		echo "$rc" >"$st/dump"
	} | {
		rc=0
		rclone rcat "$(s3path "$key")" || rc=$?
		echo "$rc" >"$st/upload"
	}
	dump_rc=$(cat "$st/dump" 2>/dev/null || echo 1)
	upload_rc=$(cat "$st/upload" 2>/dev/null || echo 1)
	rm -rf "$st"
	if [ "$dump_rc" != 0 ] || [ "$upload_rc" != 0 ]; then
		# never leave a truncated dump that a restore would pick as "newest"
		rclone deletefile "$(s3path "$key")" >/dev/null 2>&1 || true
		die "backup failed (pg_dump exit $dump_rc, upload exit $upload_rc)"
	fi
	size=$(rclone size --json "$(s3path "$key")" 2>/dev/null | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
	log "uploaded $key (${size:-?} bytes, $(($(date +%s) - started))s)"
	retention
	printf '%s\n' "$key"
}

cmd_resolve() {
	configure db
	resolve_key "${1-}"
}

cmd_restore() {
	configure db
	key=$(resolve_key "${1-}")
	log "restoring s3://$S3_BUCKET/$key into database $PGDATABASE"
	started=$(date +%s)
	st=$(mktemp -d)
	{
		rc=0
		rclone cat "$(s3path "$key")" || rc=$?
		echo "$rc" >"$st/download"
	} | {
		rc=0
		pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
			--no-password --dbname="$PGDATABASE" || rc=$?
		echo "$rc" >"$st/restore"
	}
	download_rc=$(cat "$st/download" 2>/dev/null || echo 1)
	restore_rc=$(cat "$st/restore" 2>/dev/null || echo 1)
	rm -rf "$st"
	if [ "$download_rc" != 0 ] || [ "$restore_rc" != 0 ]; then
		die "restore failed (download exit $download_rc, pg_restore exit $restore_rc); the single transaction was rolled back"
	fi
	log "restored $key ($(($(date +%s) - started))s)"
}

wait_for_db() {
	deadline=$(($(date +%s) + BACKUP_WAIT_FOR_DB_SECONDS))
	until pg_isready -q -t 5; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "warning: database not ready after ${BACKUP_WAIT_FOR_DB_SECONDS}s; continuing"
			return 0
		fi
		sleep 2
	done
}

cmd_schedule() {
	configure db
	child=
	trap 'log "received signal, exiting"; [ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM INT
	log "schedule: every ${BACKUP_INTERVAL_SECONDS}s to s3://$S3_BUCKET/$(prefix_dir) (retention ${BACKUP_RETENTION_DAYS}d)"
	wait_for_db &
	child=$!
	wait "$child" || true
	if [ "$BACKUP_ENSURE_BUCKET" = true ]; then
		"$0" ensure-bucket &
		child=$!
		wait "$child" || log "warning: ensure-bucket failed"
	fi
	first=true
	while :; do
		if [ "$first" = false ] || [ "$BACKUP_RUN_ON_START" = true ]; then
			"$0" now >/dev/null &
			child=$!
			if wait "$child"; then
				log "scheduled backup succeeded"
			else
				log "scheduled backup FAILED (will retry at the next interval)"
			fi
		fi
		first=false
		log "next backup in ${BACKUP_INTERVAL_SECONDS}s"
		sleep "$BACKUP_INTERVAL_SECONDS" &
		child=$!
		wait "$child" || true
	done
}

case ${1-} in
schedule) cmd_schedule ;;
now) shift; cmd_now "$@" ;;
list) cmd_list ;;
resolve) shift; cmd_resolve "$@" ;;
restore) shift; cmd_restore "$@" ;;
ensure-bucket) cmd_ensure_bucket ;;
-h | --help | help) usage ;;
*) usage ;;
esac
