#!/bin/sh
# Entrypoint for portable-backend/redis (Debian redis-server 7.0).
#
# Environment:
#   REDIS_PASSWORD / REDIS_PASSWORD_FILE  password clients must AUTH with (required)
# Writes a config file only the redis user can read (the password must not
# show up on the command line, i.e. in `ps`) and execs `redis-server FILE`.
# Extra arguments are passed on: `docker run IMAGE --maxmemory 100mb`.
set -eu

log() { printf '%s redis-entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# file_env VAR [DEFAULT]: VAR may instead be given as a path in VAR_FILE.
# shellcheck source=SCRIPTDIR/../common/file-env.sh
. /usr/local/lib/portable-backend/file-env.sh

# `docker run image --port 7000` -> redis-server --port 7000
case "${1-}" in
-*) set -- redis-server "$@" ;;
esac

if [ "${1-}" != redis-server ]; then
	exec "$@"
fi
shift

# Started as root (e.g. a root-owned bind mount): fix /data and drop to redis.
if [ "$(id -u)" = 0 ]; then
	mkdir -p /data /run/redis
	chown redis:redis /data /run/redis
	chmod 0700 /run/redis
	exec setpriv --reuid=redis --regid=redis --init-groups "$0" redis-server "$@"
fi

file_env REDIS_PASSWORD
[ -n "$REDIS_PASSWORD" ] || die "REDIS_PASSWORD (or REDIS_PASSWORD_FILE) is required: this Redis refuses to run without a password"
nl='
'
case "$REDIS_PASSWORD" in
*"$nl"*) die "REDIS_PASSWORD must be a single line" ;;
esac
[ -w /data ] || die "/data is not writable by uid $(id -u); chown it to 999:999 or start the container as root once"

# Quoted for redis' config parser: backslash and double quote escaped.
quoted=$(printf '%s' "$REDIS_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')
conf=/run/redis/redis.conf
umask 077
cat >"$conf" <<CONF
# written by docker-entrypoint.sh at each start; do not edit
port 6379
# every IPv4 address, and IPv6 ones where the network has them ('-' = optional)
bind * -::*
requirepass "$quoted"
dir /data
appendonly yes
appendfsync everysec
CONF
chmod 0600 "$conf"

unset REDIS_PASSWORD quoted
log "starting redis-server (config $conf, data /data)"
exec redis-server "$conf" "$@"
