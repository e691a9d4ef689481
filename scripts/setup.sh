#!/usr/bin/env bash
# Sets up a fresh machine to plan and deploy every environment, offline:
#   npm packages → Terraform engine + providers built from Go (cached) → Docker Engine → local images.
# Safe to rerun: every step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

step "npm packages (npm ci)"
command -v node >/dev/null || die "node is not installed (Node 20 or newer is needed)"
command -v go >/dev/null || die "go is not installed: providers are built from their Go modules (Go 1.26 or newer)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date"
fi

step "Terraform engine and providers (npm run providers)"
npm run --silent providers

step "Docker Engine"
bash scripts/docker-engine.sh

step "Test tools (Debian's cloud-init, whose schema validator checks the rendered user data)"
if ! command -v cloud-init >/dev/null; then
  [ "$(id -u)" = 0 ] || die "cloud-init is not installed; install Debian's cloud-init (needs root)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cloud-init >/dev/null
fi
echo "cloud-init $(cloud-init --version 2>&1 | awk '{print $2}')"

step "Images for the local environment (npm run images)"
npm run --silent images
