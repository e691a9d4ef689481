#!/bin/sh
# Health probe of portable-backend/redis: exit 0 only when the server answers
# PING with PONG using the password. Probe: ["CMD", "redis-health"].
# The password goes to redis-cli through REDISCLI_AUTH, never on the command line.
set -eu

die() { printf 'redis-health: %s\n' "$*" >&2; exit 1; }

# shellcheck source=SCRIPTDIR/../common/file-env.sh
. /usr/local/lib/portable-backend/file-env.sh
file_env REDIS_PASSWORD
[ -n "$REDIS_PASSWORD" ] || die "REDIS_PASSWORD (or REDIS_PASSWORD_FILE) is not set"

REDISCLI_AUTH=$REDIS_PASSWORD
export REDISCLI_AUTH
unset REDIS_PASSWORD

# timeout: a hung server must fail the probe, not block it
reply=$(timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping 2>&1) || die "redis-cli failed: $reply"
[ "$reply" = PONG ] || die "unexpected reply: $reply"
