#!/bin/sh
# Entrypoint of portable-backend/standin-vps: a Docker host reached over ssh.
#
# Environment:
#   AUTHORIZED_KEY          public key(s) `deploy` logs in with, one per line (required)
#   DOCKERD_START_TIMEOUT   seconds to wait for the engine to answer (default 60)
#   DOCKERD_ARGS            extra dockerd arguments, split on spaces (optional)
# Writes deploy's authorized_keys, makes the container's ssh host key if it has
# none yet (each stand-in gets its own), starts dockerd in the background
# (log: /var/log/dockerd.log), waits until `docker info` answers, then execs
# sshd in the foreground. Any failure stops the container with the reason.
set -eu

log() { printf '%s standin-vps: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# a command replaces the whole start: `docker run --rm -it IMAGE bash` to look around
[ "$#" -eq 0 ] || exec "$@"

[ -n "${AUTHORIZED_KEY-}" ] || die "AUTHORIZED_KEY is empty: give the public key deploy logs in with (-e AUTHORIZED_KEY=\"ssh-ed25519 AAAA...\")"
case "$AUTHORIZED_KEY" in
ssh-* | ecdsa-* | sk-*) ;;
*) die "AUTHORIZED_KEY does not look like an OpenSSH public key (it starts with '$(printf '%s' "$AUTHORIZED_KEY" | cut -c1-12)')" ;;
esac

home=/home/deploy
install -d -m 0700 -o deploy -g deploy "$home/.ssh"
umask 077
printf '%s\n' "$AUTHORIZED_KEY" >"$home/.ssh/authorized_keys"
chown deploy:deploy "$home/.ssh/authorized_keys"
chmod 0600 "$home/.ssh/authorized_keys"
umask 022
unset AUTHORIZED_KEY

# One host key, ed25519 (sshd loads only this one, see sshd_config.d): a client
# that pinned it has nothing else to learn (ssh's UpdateHostKeys would add the
# other types to the user's known_hosts). A restarted container keeps its key.
hostkey=/etc/ssh/ssh_host_ed25519_key
if [ ! -s "$hostkey" ]; then
	rm -f "$hostkey" "$hostkey.pub"
	ssh-keygen -q -t ed25519 -N '' -C "standin-vps-$(hostname)" -f "$hostkey"
fi
mkdir -p /run/sshd
chmod 0755 /run/sshd
/usr/sbin/sshd -t || die "sshd refuses its configuration (see above)"

timeout=${DOCKERD_START_TIMEOUT:-60}
# left by the previous run of a restarted container; no dockerd runs here yet
rm -f /var/run/docker.pid
log "starting dockerd (log /var/log/dockerd.log)"
# shellcheck disable=SC2086 # DOCKERD_ARGS is a list of words
dockerd ${DOCKERD_ARGS-} >/var/log/dockerd.log 2>&1 &
dockerd_pid=$!

waited=0
until docker info >/dev/null 2>&1; do
	if ! kill -0 "$dockerd_pid" 2>/dev/null; then
		tail -n 30 /var/log/dockerd.log >&2 || true
		die "dockerd exited before it answered (last lines of /var/log/dockerd.log above)"
	fi
	if [ "$waited" -ge "$timeout" ]; then
		tail -n 30 /var/log/dockerd.log >&2 || true
		die "dockerd did not answer within ${timeout}s (last lines of /var/log/dockerd.log above)"
	fi
	sleep 1
	waited=$((waited + 1))
done
driver=$(docker info --format '{{.Driver}}')
log "dockerd $(docker version --format '{{.Server.Version}}') is up (storage driver $driver, cgroups v$(docker info --format '{{.CgroupVersion}}')) after ${waited}s"
[ "$driver" != vfs ] || log "warning: storage driver vfs (slow, copies every layer): mount a volume on /var/lib/docker so overlay2 works"

log "starting sshd (key-only, user deploy)"
exec /usr/sbin/sshd -D -e
