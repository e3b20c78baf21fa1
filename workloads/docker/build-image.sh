#!/usr/bin/env bash
# Builds the OpenWhisk blackbox image of one workload from its native build.
# Usage: workloads/docker/build-image.sh <aes|matmul|whatlang|float> [tag] [--context-only DIR]
#   default tag: faasmark/<workload>:latest. Needs: npm run build:workloads, a Docker engine
#   and the base images (scripts/setup-docker.sh builds them offline). With --context-only the
#   build context is written to DIR and docker is not called. Compiled servers go on the action
#   base; float's Python server (action_server.py) on the Python base, run as
#   `/usr/bin/python3.11 -I -S /action/action_server.py` (its Node server, while it has one, on
#   the action base with this machine's node).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
workload="${1:-}"
tag="${2:-faasmark/${workload}:latest}"
context_only=""
if [ "${3:-}" = "--context-only" ]; then context_only="${4:?--context-only needs a directory}"; fi

native="$root/workloads/build/$workload/native"
base="faasmark/action-base:bookworm"
copy=()
case "$workload" in
  aes|matmul|whatlang)
    artifact="$native/$workload-server"; copy=("$artifact")
    cmd=("/action/$workload-server") ;;
  float)
    if [ -f "$native/action_server.py" ]; then
      artifact="$native/action_server.py"; base="faasmark/python-base:3.11"
      copy=("$native"/.)
      cmd=(/usr/bin/python3.11 -I -S /action/action_server.py)
    else
      artifact="$native/float-server.mjs"; copy=("$artifact" "$(command -v node)")
      cmd=(/action/node /action/float-server.mjs)
    fi ;;
  *) echo "usage: $0 <aes|matmul|whatlang|float> [tag] [--context-only DIR]" >&2; exit 2 ;;
esac
if [ ! -f "$artifact" ]; then
  echo "error: $artifact is missing; run: npm run build:workloads" >&2
  exit 1
fi
full=("${cmd[@]}" --port 8080 --host 0.0.0.0)

ctx="${context_only:-$(mktemp -d /tmp/faasmark-image.XXXXXX)}"
mkdir -p "$ctx/action"
json="[$(printf '"%s", ' "${full[@]}" | sed 's/, $//')]"
{
  echo "# runs: ${full[*]}"
  sed -e "s|@ACTION_CMD@|$json|" -e "s|^ARG BASE=.*|ARG BASE=$base|" "$here/Dockerfile"
} > "$ctx/Dockerfile"
cp -a "${copy[@]}" "$ctx/action/"

if [ -n "$context_only" ]; then
  echo "context written to $ctx (ACTION_CMD=${cmd[*]}, BASE=$base)"
  exit 0
fi
trap 'rm -rf "$ctx"' EXIT
if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker CLI not found; install it: bash scripts/setup-docker.sh" >&2
  exit 2
fi
docker build --build-arg "BASE=$base" -t "$tag" "$ctx"
echo "built $tag — deploy: wsk action create $workload --docker $tag  (needs a registry OpenWhisk can pull from)"
