#!/usr/bin/env bash
# Sets up a fresh machine (Debian 12, Node 20, root) for the embedded default, idempotently:
#   1. Debian packages and the workload toolchains, wasmtime included
#      (scripts/install-system-deps.sh; the first wasmtime build takes 15-45 min on 2 cores);
#   2. the Docker engine and local-container's base images (scripts/setup-docker.sh);
#   3. the npm dependencies (`npm ci`, whose prepare script builds faasmark into dist/);
#   4. the four workloads, natively and to Wasm (`npm run build:workloads -- --strict`).
# Each step says what it does and skips what is already there; a failing step stops the
# script with its own message. Used by the README's first command, the nightly workflow and,
# step by step, by .ci/run.
#
# Usage: scripts/setup.sh [--no-docker]   (--no-docker: leave the engine alone; the
#        container executor then falls back to OS processes, and says so)
set -euo pipefail
cd "$(dirname "$0")/.."

DOCKER=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-docker) DOCKER=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "setup: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { echo "setup: [$1/4] $2" >&2; }
started=$(date +%s)

step 1 "Debian packages and workload toolchains"
bash scripts/install-system-deps.sh

if [ "$DOCKER" -eq 1 ]; then
  step 2 "Docker engine and base images"
  bash scripts/setup-docker.sh
else
  step 2 "Docker engine skipped (--no-docker)"
fi

step 3 "npm dependencies (npm ci; builds dist/)"
npm ci --no-audit --no-fund

step 4 "workloads, native and Wasm"
npm run build:workloads -- --strict

echo "setup: done in $(( $(date +%s) - started )) s; next: npx faasmark run quick" >&2
