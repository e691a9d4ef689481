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
command -v git >/dev/null || die "git is not installed: the provider patches in patches/ are applied with git apply"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date"
fi
# Here rather than as an install script, which the package would carry to every project that installs it.
node scripts/cdktf-cli/patch.cjs

step "Terraform engine and providers (npm run providers)"
npm run --silent providers

step "Development tools built from Go (npm run tools: actionlint)"
npm run --silent tools

step "Docker Engine"
bash scripts/docker-engine.sh

step "Test tools (Debian's cloud-init validates rendered user data; shellcheck lets actionlint check workflow scripts; openssh-client runs the CI ssh-agent step)"
missing=()
command -v cloud-init >/dev/null || missing+=(cloud-init)
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v ssh-agent >/dev/null || missing+=(openssh-client)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "${missing[*]} not installed; install Debian's ${missing[*]} (needs root)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "cloud-init $(cloud-init --version 2>&1 | awk '{print $2}'), shellcheck $(shellcheck --version | awk '/^version:/ {print $2}'), $(ssh -V 2>&1)"

step "Benchmark tools (Debian's docker-compose: the baseline \`npm run bench\` deploys against)"
if ! command -v docker-compose >/dev/null; then
  [ "$(id -u)" = 0 ] || die "docker-compose is not installed; install Debian's docker-compose (needs root)"
  # Refresh the package lists only when they do not offer it yet.
  apt-cache policy docker-compose 2>/dev/null | grep -q 'Candidate: [0-9]' || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
echo "docker-compose $(docker-compose version --short 2>/dev/null)"

step "Images for the local environment (npm run images)"
npm run --silent images
