#!/usr/bin/env bash
# Builds the OpenWhisk blackbox image of one workload from its native build.
# Usage: workloads/docker/build-image.sh <aes|matmul|whatlang|float> [tag] [--context-only DIR]
#   default tag: faasmark/<workload>:latest. Needs: npm run build:workloads, a Docker
#   engine, and the base image the workload names (registry containerBase): action
#   (faasmark/action-base:bookworm, the Rust servers) or python (faasmark/python-base:3.11,
#   float's CPython server). With --context-only the context is written to DIR, docker not called.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
workload="${1:-}"
tag="${2:-faasmark/${workload}:latest}"
context_only=""
if [ "${3:-}" = "--context-only" ]; then context_only="${4:?--context-only needs a directory}"; fi

case "$workload" in
  aes|matmul|whatlang)
    artifact="$root/workloads/build/$workload/native/$workload-server"
    base="faasmark/action-base:bookworm"
    cmd="/action/$workload-server" ;;
  float)
    artifact="$root/workloads/build/float/native/action_server.py"
    base="faasmark/python-base:3.11"
    cmd="/usr/bin/python3.11 -I -S /action/action_server.py" ;;
  *) echo "usage: $0 <aes|matmul|whatlang|float> [tag] [--context-only DIR]" >&2; exit 2 ;;
esac
if [ ! -f "$artifact" ]; then
  echo "error: $artifact is missing; run: npm run build:workloads" >&2
  exit 1
fi

ctx="${context_only:-$(mktemp -d /tmp/faasmark-image.XXXXXX)}"
mkdir -p "$ctx/action"
cp "$here/Dockerfile" "$ctx/Dockerfile"
# exec-form CMD (no shell in the base images): the command's words, then the port and host
words=""
for w in $cmd --port 8080 --host 0.0.0.0; do words="$words${words:+, }\"$w\""; done
echo "CMD [$words]" >>"$ctx/Dockerfile"
# the native build: the Rust server, or float's sources with their __pycache__ (a cold start
# without .pyc costs ~110 ms more: docs/workloads.md "float")
cp -r "$(dirname "$artifact")"/. "$ctx/action/"
rm -f "$ctx"/action/*.build.json

if [ -n "$context_only" ]; then
  echo "context written to $ctx (BASE=$base ACTION_CMD=$cmd)"
  exit 0
fi
trap 'rm -rf "$ctx"' EXIT
if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker CLI not found; install it: apt-get install -y docker.io" >&2
  exit 2
fi
docker build --build-arg "BASE=$base" -t "$tag" "$ctx"
echo "built $tag — deploy: wsk action create $workload --docker $tag  (needs a registry OpenWhisk can pull from)"
