#!/usr/bin/env bash
# Builds the OpenWhisk blackbox image of one workload from its native build.
# Usage: workloads/docker/build-image.sh <aes|matmul|whatlang|float> [tag] [--context-only DIR]
#   default tag: faasmark/<workload>:latest. Needs: npm run build:workloads, a Docker
#   engine, and the base image (scripts/build-docker-base-image.sh). With --context-only the
#   build context is written to DIR and docker is not called.
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
    cmd="/action/$workload-server" ;;
  float)
    artifact="$root/workloads/build/float/native/float-server.mjs"
    cmd="/action/node /action/float-server.mjs" ;;
  *) echo "usage: $0 <aes|matmul|whatlang|float> [tag] [--context-only DIR]" >&2; exit 2 ;;
esac
if [ ! -f "$artifact" ]; then
  echo "error: $artifact is missing; run: npm run build:workloads" >&2
  exit 1
fi

ctx="${context_only:-$(mktemp -d /tmp/faasmark-image.XXXXXX)}"
mkdir -p "$ctx/action"
cp "$here/Dockerfile" "$ctx/Dockerfile"
cp "$artifact" "$ctx/action/"
# float runs on Node: ship this machine's node (bookworm glibc, like the base image)
if [ "$workload" = "float" ]; then cp "$(command -v node)" "$ctx/action/node"; fi

if [ -n "$context_only" ]; then
  echo "context written to $ctx (ACTION_CMD=$cmd)"
  exit 0
fi
trap 'rm -rf "$ctx"' EXIT
if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker CLI not found; install it: apt-get install -y docker.io" >&2
  exit 2
fi
docker build --build-arg "ACTION_CMD=$cmd" -t "$tag" "$ctx"
echo "built $tag — deploy: wsk action create $workload --docker $tag  (needs a registry OpenWhisk can pull from)"
