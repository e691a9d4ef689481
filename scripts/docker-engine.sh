#!/usr/bin/env bash
# Makes sure a Docker Engine answers: installs Debian's docker.io if the daemon is missing and
# starts dockerd in the background where no init system runs it. A remote engine (DOCKER_HOST)
# is used as it is.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "Docker Engine $(docker version --format '{{.Server.Version}}') is running"
  exit 0
fi
[ -n "${DOCKER_HOST:-}" ] && { echo "DOCKER_HOST=$DOCKER_HOST does not answer" >&2; exit 1; }

if ! command -v dockerd >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "dockerd is not installed; install docker.io (needs root)" >&2; exit 1; }
  echo "installing Debian's docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null; then
  echo "starting dockerd in the background (log: /var/log/dockerd.log)"
  setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
fi
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && { echo "Docker Engine is running"; exit 0; }
  sleep 1
done
echo "dockerd did not come up within 60s; see /var/log/dockerd.log" >&2
exit 1
