#!/bin/sh
# backup: PostgreSQL -> S3 dumps for portable-backend (sidecar image), encrypted and copied off-site.
#
# Usage:
#   backup schedule                     `run` every BACKUP_INTERVAL_SECONDS
#   backup run                          `now`, then `verify` of its dump; the result kept for `status`
#   backup now [--keep KEY] [--no-offsite]
#                                       dump the database (prints its key), apply retention (never the
#                                       newest dump, nor KEY), then copy the dump and the data bucket off-site
#   backup verify [KEY]                 restore the newest dump (or KEY) into a scratch database; record it
#   backup list [--offsite]             dumps (newest last): key, size, time, verification
#   backup resolve [--offsite] [KEY]    print the key `restore` would restore; fail if there is none
#   backup restore [--offsite] [KEY]    restore the newest dump of PGDATABASE, or KEY
#   backup restore-objects              put the off-site copy of the data bucket back into DATA_BUCKET
#   backup status | health              the last run's result; health fails if it (or a verification) failed
#   backup ensure-bucket                create S3_BUCKET if it does not exist
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
#   BACKUP_VERIFY                        default true: schedule verifies every dump it makes
#   BACKUP_ENCRYPTION_KEY[_FILE]         encrypts every dump and off-site copy (rclone crypt); required off-site
#   DATA_BUCKET                          the app's bucket on the same store: copied off-site
#   OFFSITE_ENDPOINT OFFSITE_BUCKET      an S3 store off the host: dumps under dumps/, objects under objects/
#   OFFSITE_REGION                       default us-east-1
#   OFFSITE_ACCESS_KEY_ID[_FILE] OFFSITE_SECRET_ACCESS_KEY[_FILE]
#
# Dumps are `pg_dump --format=custom` streamed straight into the object store (no temporary file) as
# $BACKUP_PREFIX/<db>-<YYYYmmddTHHMMSSZ>.dump; with a key, encrypted on the way (NaCl secretbox, rclone
# crypt; names kept, `.bin` appended in the store). Off-site, dumps/ holds copies of the dumps and
# objects/current/ a copy of the data bucket (names encrypted too: object keys may be personal data), with
# what a copy replaced or removed moved to objects/history/<time>/ and deleted after the retention.
# A verification restores a dump into the scratch database <db>_verify (dropped afterwards) and stores its
# result next to the dump (<key>.verify). Secrets reach rclone and libpq through the environment only and
# are never printed.
set -eu

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# file_env VAR [DEFAULT]: VAR may instead be given as a path in VAR_FILE.
# shellcheck source=SCRIPTDIR/../common/file-env.sh
. /usr/local/lib/portable-backend/file-env.sh

is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

# s3_remote NAME ENDPOINT REGION KEY_ID SECRET: an rclone S3 remote configured from the environment only
s3_remote() {
	eval "export RCLONE_CONFIG_$1_TYPE=s3 RCLONE_CONFIG_$1_PROVIDER=Other RCLONE_CONFIG_$1_ENV_AUTH=false"
	eval "export RCLONE_CONFIG_$1_FORCE_PATH_STYLE=true"
	# uploads never try to create the bucket (see `ensure-bucket`)
	eval "export RCLONE_CONFIG_$1_NO_CHECK_BUCKET=true"
	export "RCLONE_CONFIG_$1_ENDPOINT=$2" "RCLONE_CONFIG_$1_REGION=$3" "RCLONE_CONFIG_$1_ACCESS_KEY_ID=$4" "RCLONE_CONFIG_$1_SECRET_ACCESS_KEY=$5"
}

# crypt_remote NAME UNDER NAMES: rclone crypt over UNDER with the key; NAMES off (dumps: their names say
# nothing) or standard (objects: their keys may be personal data)
crypt_remote() {
	eval "export RCLONE_CONFIG_$1_TYPE=crypt RCLONE_CONFIG_$1_FILENAME_ENCRYPTION=$3"
	export "RCLONE_CONFIG_$1_REMOTE=$2" "RCLONE_CONFIG_$1_PASSWORD=$OBSCURED_KEY"
	if [ "$3" = off ]; then eval "export RCLONE_CONFIG_$1_DIRECTORY_NAME_ENCRYPTION=false"; fi
}

# alias_remote NAME UNDER: the same paths as UNDER, unencrypted
alias_remote() { export "RCLONE_CONFIG_$1_TYPE=alias" "RCLONE_CONFIG_$1_REMOTE=$2"; }

configure() {
	file_env PGPASSWORD
	[ -n "$PGPASSWORD" ] || unset PGPASSWORD
	file_env S3_ACCESS_KEY_ID
	file_env S3_SECRET_ACCESS_KEY
	file_env BACKUP_ENCRYPTION_KEY
	file_env OFFSITE_ACCESS_KEY_ID
	file_env OFFSITE_SECRET_ACCESS_KEY
	: "${S3_REGION:=us-east-1}"
	: "${OFFSITE_REGION:=us-east-1}"
	: "${BACKUP_PREFIX:=backups}"
	: "${BACKUP_RETENTION_DAYS:=7}"
	: "${BACKUP_INTERVAL_SECONDS:=86400}"
	: "${BACKUP_RUN_ON_START:=true}"
	: "${BACKUP_ENSURE_BUCKET:=true}"
	: "${BACKUP_WAIT_FOR_DB_SECONDS:=300}"
	: "${BACKUP_VERIFY:=true}"
	: "${DATA_BUCKET:=}"
	: "${OFFSITE_ENDPOINT:=}"

	# `configure db` for commands that talk to the database
	required="S3_ENDPOINT S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY"
	[ "${1-}" != db ] || required="PGDATABASE $required"
	[ -z "$OFFSITE_ENDPOINT" ] || required="$required OFFSITE_BUCKET OFFSITE_ACCESS_KEY_ID OFFSITE_SECRET_ACCESS_KEY BACKUP_ENCRYPTION_KEY"
	missing=
	for v in $required; do
		eval "[ -n \"\${$v-}\" ]" || missing="$missing $v"
	done
	[ -z "$missing" ] || die "missing required environment:$missing"
	for v in S3_ENDPOINT ${OFFSITE_ENDPOINT:+OFFSITE_ENDPOINT}; do
		eval "endpoint=\$$v"
		case $endpoint in
		http://* | https://*) ;;
		*) die "$v must start with http:// or https://" ;;
		esac
	done
	is_uint "$BACKUP_RETENTION_DAYS" || die "BACKUP_RETENTION_DAYS must be a whole number of days"
	if ! is_uint "$BACKUP_INTERVAL_SECONDS" || [ "$BACKUP_INTERVAL_SECONDS" -eq 0 ]; then
		die "BACKUP_INTERVAL_SECONDS must be a positive integer"
	fi
	is_uint "$BACKUP_WAIT_FOR_DB_SECONDS" || die "BACKUP_WAIT_FOR_DB_SECONDS must be an integer"
	# A short key is guessable offline from any copy of a dump.
	if [ -n "${BACKUP_ENCRYPTION_KEY-}" ] && [ "${#BACKUP_ENCRYPTION_KEY}" -lt 24 ]; then
		die "BACKUP_ENCRYPTION_KEY is shorter than 24 characters; use a long random one (openssl rand -base64 32)"
	fi
	# strip leading/trailing slashes from the prefix
	BACKUP_PREFIX=$(printf '%s' "$BACKUP_PREFIX" | sed 's#^/*##; s#/*$##')

	: "${RCLONE_CONFIG:=/etc/rclone/rclone.conf}"
	export RCLONE_CONFIG
	export RCLONE_LOG_LEVEL="${RCLONE_LOG_LEVEL:-NOTICE}"
	s3_remote PBS3 "$S3_ENDPOINT" "$S3_REGION" "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
	# pbdumps: the dumps, under the prefix; encrypted with a key
	dumps_root="pbs3:$S3_BUCKET/$BACKUP_PREFIX"
	if [ -n "${BACKUP_ENCRYPTION_KEY-}" ]; then
		# rclone keeps the key obscured in its configuration; read from stdin, never an argument (ps shows those)
		OBSCURED_KEY=$(printf '%s' "$BACKUP_ENCRYPTION_KEY" | rclone obscure -)
		crypt_remote PBDUMPS "$dumps_root" off
	else
		alias_remote PBDUMPS "$dumps_root"
	fi
	if [ -n "$OFFSITE_ENDPOINT" ]; then
		s3_remote OFFS3 "$OFFSITE_ENDPOINT" "$OFFSITE_REGION" "$OFFSITE_ACCESS_KEY_ID" "$OFFSITE_SECRET_ACCESS_KEY"
		crypt_remote OFFDUMPS "offs3:$OFFSITE_BUCKET/dumps" off
		crypt_remote OFFOBJECTS "offs3:$OFFSITE_BUCKET/objects" standard
	fi
	DUMPS=pbdumps: # where list/resolve/restore look: the backup bucket, or with --offsite the off-site copy
	WHERE="s3://$S3_BUCKET/$(prefix_dir)"

	# the object-name part of the database name
	DB_SLUG=$(printf '%s' "${PGDATABASE-}" | tr -c 'A-Za-z0-9._-' '_')
}

# --offsite: list/resolve/restore read the off-site copy
use_offsite() {
	[ -n "$OFFSITE_ENDPOINT" ] || die "no off-site store is configured (OFFSITE_ENDPOINT)"
	DUMPS=offdumps:
	WHERE="the off-site store ($OFFSITE_ENDPOINT, bucket $OFFSITE_BUCKET, dumps/)"
}

prefix_dir() { if [ -n "$BACKUP_PREFIX" ]; then printf '%s/' "$BACKUP_PREFIX"; fi; }
# the path of a key (prefix/name) in DUMPS
dpath() { printf '%s%s' "$DUMPS" "${1#"$(prefix_dir)"}"; }

# timestamp of a dump's name, or nothing
stamp() { printf '%s\n' "$1" | sed -n 's/^.*-\([0-9]\{8\}T[0-9]\{6\}Z\)\.dump$/\1/p'; }

# all dump keys in DUMPS, one per line as "<timestamp> <key>", oldest first
list_keys() {
	out=$(rclone lsf --files-only --include '*.dump' "$DUMPS") || die "cannot list $WHERE"
	printf '%s\n' "$out" | while IFS= read -r name; do
		[ -n "$name" ] || continue
		ts=$(stamp "$name")
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

# whether the object KEY exists in DUMPS
exists() {
	found=$(rclone lsf --files-only "$(dpath "$1")" 2>/dev/null) || true
	[ "$found" = "${1##*/}" ]
}

# resolve_key [KEY]: the key `restore [KEY]` restores, which must exist: KEY (a name under the prefix,
# a path in the bucket, or s3://bucket/path), or else the newest dump of this database
resolve_key() {
	key=${1-}
	if [ -z "$key" ]; then
		key=$(db_keys | tail -n 1)
		key=${key#* }
		[ -n "$key" ] || die "no dumps of database $PGDATABASE in $WHERE"
	else
		key=${key#s3://"$S3_BUCKET"/}
		case $key in
		"$(prefix_dir)"*) ;;
		*/*) die "$key is not under the dumps' prefix $(prefix_dir)" ;;
		*) key="$(prefix_dir)$key" ;;
		esac
		exists "$key" || die "no dump $key in $WHERE (backup list shows the dumps)"
	fi
	printf '%s\n' "$key"
}

cmd_list() {
	configure
	[ "${1-}" != --offsite ] || use_offsite
	lines=$(rclone lsf --files-only --include '*.dump' --format pst --separator ' ' "$DUMPS") || die "cannot list $WHERE"
	# sort by the timestamp embedded in the name; print "key size modtime verification"
	printf '%s\n' "$lines" | while read -r name size mtime; do
		[ -n "$name" ] || continue
		ts=$(stamp "$name")
		printf '%s %s%s %s %s %s\n' "${ts:-0}" "$(prefix_dir)" "$name" "$size" "$mtime" "$(verification "$(prefix_dir)$name")"
	done | sort | cut -d' ' -f2-
}

# the recorded verification of KEY in DUMPS: verified(...), FAILED(...) or unverified
verification() {
	result=$(rclone cat "$(dpath "$1").verify" 2>/dev/null) || result=
	case $result in
	ok\ *) printf 'verified(%s)' "$(printf '%s' "${result#ok }" | tr ' ' ',')" ;;
	failed\ *) printf 'FAILED(%s)' "$(printf '%s' "${result#failed }" | tr ' ' '_')" ;;
	*) printf 'unverified' ;;
	esac
}

cmd_ensure_bucket() {
	configure
	if rclone lsf --max-depth 1 --files-only --include 'nothing-matches-this' "pbs3:$S3_BUCKET" >/dev/null 2>&1; then
		log "bucket $S3_BUCKET exists"
		return 0
	fi
	log "creating bucket $S3_BUCKET"
	# no_check_bucket would turn mkdir into a no-op
	RCLONE_CONFIG_PBS3_NO_CHECK_BUCKET=false rclone mkdir "pbs3:$S3_BUCKET" ||
		die "cannot create bucket $S3_BUCKET"
	rclone lsf --max-depth 1 --files-only --include 'nothing-matches-this' "pbs3:$S3_BUCKET" >/dev/null ||
		die "bucket $S3_BUCKET still not visible after creating it"
	log "created bucket $S3_BUCKET"
}

# YYYYmmddHHMMSS of BACKUP_RETENTION_DAYS ago: timestamps compare as 14-digit numbers
cutoff() { date -u -d "@$(($(date -u +%s) - BACKUP_RETENTION_DAYS * 86400))" +%Y%m%d%H%M%S; }
# YYYYmmddTHHMMSSZ → YYYYmmddHHMMSS
digits() { ts=${1%Z}; printf '%s' "${ts%T*}${ts#*T}"; }

# dumps in DUMPS older than the retention, except the newest and $keep, with their verification records
retention() {
	cutoff=$(cutoff)
	keys=$(db_keys)
	newest=$(printf '%s\n' "$keys" | tail -n 1)
	newest=${newest#* }
	printf '%s\n' "$keys" | while read -r ts key; do
		if [ -z "$key" ] || [ "$key" = "$newest" ] || [ "$key" = "$keep" ]; then continue; fi
		if [ "$(digits "$ts")" -lt "$cutoff" ]; then
			if rclone deletefile "$(dpath "$key")"; then
				rclone deletefile "$(dpath "$key").verify" >/dev/null 2>&1 || true
				log "deleted $key from $WHERE (older than $BACKUP_RETENTION_DAYS days)"
			else
				log "warning: could not delete $key from $WHERE"
			fi
		fi
	done
}

# pipe_status LEFT RIGHT: evaluates LEFT | RIGHT and sets rc1 and rc2 to their exit statuses (POSIX sh
# has no pipefail: each side records its own)
pipe_status() {
	st=$(mktemp -d)
	left=$1
	right=$2
	{
		rc=0
		eval "$left" || rc=$?
		echo "$rc" >"$st/1"
	} | {
		rc=0
		eval "$right" || rc=$?
		echo "$rc" >"$st/2"
	}
	rc1=$(cat "$st/1" 2>/dev/null || echo 1)
	rc2=$(cat "$st/2" 2>/dev/null || echo 1)
	rm -rf "$st"
}

cmd_now() {
	# --keep KEY: retention spares KEY as well. A restore takes a safety dump right before it reads
	# KEY; that dump becomes the newest, so KEY would no longer be spared as the newest and, if it
	# is older than the retention, would be deleted just before being restored.
	# --no-offsite: the dump stays in the backup bucket (a restore's safety dump: copied off-site, the
	# database as it was before a restore from there would become the newest off-site dump).
	keep=
	offsite=true
	while [ $# -gt 0 ]; do
		case $1 in
		--keep)
			if [ $# -lt 2 ] || [ -z "$2" ]; then usage; fi
			keep=$2
			shift 2
			;;
		--no-offsite) offsite=false; shift ;;
		*) usage ;;
		esac
	done
	configure db
	# A key names one second: a second dump within it (a restore's safety dump right after a
	# `backup now`, say) waits for the next one rather than overwrite the dump a restore reads.
	while :; do
		ts=$(date -u +%Y%m%dT%H%M%SZ)
		key="$(prefix_dir)$DB_SLUG-$ts.dump"
		exists "$key" || break
		sleep 1
	done
	log "dumping database $PGDATABASE to $WHERE$DB_SLUG-$ts.dump${OBSCURED_KEY:+ (encrypted)}"
	started=$(date +%s)
	target=$(dpath "$key")
	pipe_status 'pg_dump --format=custom --no-password' 'rclone rcat "$target"'
	if [ "$rc1" != 0 ] || [ "$rc2" != 0 ]; then
		# never leave a truncated dump that a restore would pick as "newest"
		rclone deletefile "$target" >/dev/null 2>&1 || true
		die "backup failed (pg_dump exit $rc1, upload exit $rc2)"
	fi
	size=$(rclone size --json "$target" 2>/dev/null | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
	log "uploaded $key (${size:-?} bytes, $(($(date +%s) - started))s)"
	retention
	printf '%s\n' "$key"
	if [ "$offsite" = true ] && [ -n "$OFFSITE_ENDPOINT" ]; then
		copy_offsite "$key" || die "$key is stored in $WHERE, but its off-site copy failed (see above)"
	fi
}

# KEY and the data bucket to the off-site store; retention there, too
copy_offsite() {
	# A sidecar on a new host (the old one lost) dumps an empty database: copied off-site, that would become
	# the newest dump there, and the empty bucket would replace the objects' copy. Every off-site dump was
	# copied from this backup bucket (or, after a restore from off-site, adopted into it), so an off-site
	# newest dump this bucket does not hold means another host's history: nothing is copied until a restore.
	rclone lsf --files-only --max-depth 1 offdumps: >/dev/null || return 1
	theirs=$(DUMPS=offdumps: db_keys | tail -n 1)
	theirs=${theirs#* }
	if [ -n "$theirs" ] && ! exists "$theirs"; then
		log "not copying off-site: its newest dump, $theirs, is not in this host's backup bucket: a new host?"
		log "restore from there first (npm run restore -- <env> --from-offsite), which adopts the copy's history; then the copies resume"
		return 1
	fi
	log "copying $1 off-site ($OFFSITE_ENDPOINT, bucket $OFFSITE_BUCKET)"
	rclone copyto "$(dpath "$1")" "offdumps:${1#"$(prefix_dir)"}" || return 1
	(
		DUMPS=offdumps:
		WHERE="the off-site store"
		retention
	)
	[ -z "$DATA_BUCKET" ] || copy_objects_offsite || return 1
}

# The data bucket's objects, as they are now, to objects/current/; what that replaces or removes moves to
# objects/history/<time>/, deleted after the retention: an object deleted or overwritten by mistake can
# be had back for that long, and an erased one (GDPR) is gone from the copy after it.
copy_objects_offsite() {
	now=$(date -u +%Y%m%dT%H%M%SZ)
	log "copying bucket $DATA_BUCKET off-site"
	rclone sync "pbs3:$DATA_BUCKET" offobjects:current --backup-dir "offobjects:history/$now" || return 1
	cutoff=$(cutoff)
	for dir in $(rclone lsf --dirs-only offobjects:history 2>/dev/null || true); do
		dir=${dir%/}
		case $dir in *[!0-9TZ]*) continue ;; esac
		if [ "$(digits "$dir")" -lt "$cutoff" ]; then
			rclone purge "offobjects:history/$dir" && log "deleted off-site object history $dir (older than $BACKUP_RETENTION_DAYS days)"
		fi
	done
}

cmd_resolve() {
	configure db
	[ "${1-}" != --offsite ] || { use_offsite; shift; }
	resolve_key "${1-}"
}

# restore_into DB KEY: stream KEY from DUMPS into DB in one transaction; sets rc1 (download), rc2 (restore)
restore_into() {
	from=$(dpath "$2")
	into=$1
	restore_flags='--clean --if-exists --no-owner --single-transaction --no-password'
	major=$(server_major "$into")
	# the same major or a newer client's (or no answer: pg_restore says why)
	if [ "$major" = 0 ] || [ "$major" -ge "$(client_major)" ]; then
		pipe_status 'rclone cat "$from"' 'pg_restore $restore_flags --exit-on-error --dbname="$into"'
		return
	fi
	# An older server (15, under this image's client of 17): pg_restore sets transaction_timeout, a setting the
	# server does not have, at the start of every restore. The same restore as a script, minus that first
	# statement, run by psql: the script's BEGIN ... COMMIT is the single transaction, so a dump that does not
	# read to its end (no COMMIT) or a failing statement (ON_ERROR_STOP) leaves the database as it was.
	pipe_status 'rclone cat "$from" | pg_restore $restore_flags --file=-' \
		'sed "0,/^SET transaction_timeout = 0;\$/{//d}" | psql -X -q -v ON_ERROR_STOP=1 --no-password --dbname="$into" >/dev/null'
}

# the major of the server DB is on (server_version_num 170004 -> 17), 0 when it does not answer
server_major() {
	num=$(psql -X -At --no-password --dbname="$1" -c 'SHOW server_version_num' 2>/dev/null) || num=0
	echo $((num / 10000))
}
client_major() { pg_restore --version | sed -n 's/^pg_restore (PostgreSQL) \([0-9]*\).*/\1/p'; }

cmd_restore() {
	configure db
	[ "${1-}" != --offsite ] || { use_offsite; shift; }
	key=$(resolve_key "${1-}")
	log "restoring $key from $WHERE into database $PGDATABASE"
	started=$(date +%s)
	restore_into "$PGDATABASE" "$key"
	if [ "$rc1" != 0 ] || [ "$rc2" != 0 ]; then
		die "restore failed (download exit $rc1, pg_restore exit $rc2); the single transaction was rolled back"
	fi
	log "restored $key ($(($(date +%s) - started))s)"
	if [ "$DUMPS" = offdumps: ] && ! (DUMPS=pbdumps: && exists "$key"); then
		# adopt the copy's history: this host's copies off-site resume (see copy_offsite)
		rclone copyto "$(dpath "$key")" "pbdumps:${key#"$(prefix_dir)"}" && log "kept $key in the backup bucket too"
	fi
}

cmd_restore_objects() {
	configure
	use_offsite
	[ -n "$DATA_BUCKET" ] || die "this environment has no data bucket (DATA_BUCKET)"
	log "restoring bucket $DATA_BUCKET from the off-site copy"
	# sync: the bucket becomes exactly what the copy holds
	rclone sync offobjects:current "pbs3:$DATA_BUCKET" || die "restoring bucket $DATA_BUCKET failed"
	log "restored bucket $DATA_BUCKET ($(rclone size --json "pbs3:$DATA_BUCKET" | sed -n 's/.*"count":\([0-9]*\).*/\1/p') objects)"
}

# verify [KEY]: restore KEY (default the newest dump) into a scratch database, count what came back,
# record "ok <tables> tables <rows> rows <time>" or "failed <why> <time>" next to the dump, drop the scratch
# database. A dump that does not restore (truncated, corrupted, a wrong key) fails here, not on the day
# it is needed.
cmd_verify() {
	configure db
	key=$(resolve_key "${1-}")
	scratch=$(printf '%s' "${PGDATABASE}_verify" | cut -c1-63)
	when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	log "verifying $key: restoring it into the scratch database $scratch"
	if ! { dropdb --if-exists --no-password "$scratch" && createdb --no-password "$scratch"; }; then
		die "cannot create the scratch database $scratch"
	fi
	restore_into "$scratch" "$key"
	if [ "$rc1" != 0 ] || [ "$rc2" != 0 ]; then
		result="failed did-not-restore(download=$rc1,pg_restore=$rc2) $when"
	else
		counts=$(psql --no-password -X -At -d "$scratch" -c "
			SELECT count(*), coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint), 0)
			FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')") ||
			counts=
		if [ -n "$counts" ]; then
			result="ok ${counts%|*} tables ${counts#*|} rows $when"
		else
			result="failed restored-but-unreadable $when"
		fi
	fi
	dropdb --if-exists --no-password "$scratch" || log "warning: could not drop the scratch database $scratch"
	printf '%s\n' "$result" | rclone rcat "$(dpath "$key").verify" || log "warning: could not record the verification of $key"
	case $result in
	ok\ *) log "verified $key: ${result#ok }" ;;
	*)
		set_status failed "verification of $key"
		die "VERIFICATION FAILED for $key: ${result#failed }"
		;;
	esac
}

STATUS_FILE=${BACKUP_STATUS_FILE:-${HOME:-/tmp}/backup-status}

# record the scheduled run's result for `status` and the container's health check
set_status() { printf '%s %s %s\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$2" >"$STATUS_FILE.tmp" && mv "$STATUS_FILE.tmp" "$STATUS_FILE"; }

cmd_status() {
	if [ -s "$STATUS_FILE" ]; then cat "$STATUS_FILE"; else echo "none yet: no scheduled backup has finished since the sidecar started"; fi
}

# healthy unless the last scheduled run failed (a dump, its off-site copy, or its verification)
cmd_health() {
	[ -s "$STATUS_FILE" ] || exit 0
	case $(cat "$STATUS_FILE") in ok\ *) exit 0 ;; *) cat "$STATUS_FILE" >&2; exit 1 ;; esac
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

# run: what the schedule does each time, and `npm run backup`: a dump (copied off-site), then its
# verification; the result recorded for `status` and the health check; prints the dump's key
cmd_run() {
	out=$(mktemp)
	if ! "$0" now >"$out"; then
		key=$(tail -n 1 "$out")
		rm -f "$out"
		set_status failed "backup${key:+ $key (stored; its off-site copy failed)}"
		return 1
	fi
	key=$(tail -n 1 "$out")
	rm -f "$out"
	[ "${BACKUP_VERIFY:-true}" != true ] || "$0" verify "$key" || return 1
	set_status ok "$key"
	printf '%s\n' "$key"
}

cmd_schedule() {
	configure db
	child=
	trap 'log "received signal, exiting"; [ -z "$child" ] || kill "$child" 2>/dev/null; exit 0' TERM INT
	log "schedule: every ${BACKUP_INTERVAL_SECONDS}s to $WHERE${OFFSITE_ENDPOINT:+ and off-site to $OFFSITE_ENDPOINT} (retention ${BACKUP_RETENTION_DAYS}d${OBSCURED_KEY:+, encrypted}, verify: $BACKUP_VERIFY)"
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
			"$0" run >/dev/null &
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
run) cmd_run ;;
now) shift; cmd_now "$@" ;;
verify) shift; cmd_verify "$@" ;;
list) shift; cmd_list "$@" ;;
resolve) shift; cmd_resolve "$@" ;;
restore) shift; cmd_restore "$@" ;;
restore-objects) cmd_restore_objects ;;
status) cmd_status ;;
health) cmd_health ;;
ensure-bucket) cmd_ensure_bucket ;;
-h | --help | help) usage ;;
*) usage ;;
esac
