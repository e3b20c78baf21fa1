#!/usr/bin/env bash
# Makes local-container's Docker executor usable, idempotently (each step checks first):
#   1. installs Debian's docker.io (and python3.11, for the Python base image) when missing;
#   2. starts dockerd when no engine answers (root only), and waits for it;
#   3. builds the base images offline from this host's files (scripts/build-docker-images.sh).
# Called by .ci/run and by scripts/setup.sh; safe to run again at any time.
#
# Usage: scripts/setup-docker.sh [--timeout S (60)] [--no-images] [--log FILE (/var/log/dockerd.log)]
# Env: DOCKER_HOST (unix:///path; another socket is used, never started), DOCKERD_FLAGS.
# Exit 0: the engine answers and the images exist; 1: dockerd failed to start (log tail shown);
# 2: something only the user can fix (not root, another socket) — the message names the command.
set -uo pipefail
cd "$(dirname "$0")/.."

TIMEOUT=60
IMAGES=1
LOG=/var/log/dockerd.log
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
    --no-images) IMAGES=0; shift ;;
    --log) LOG="${2:?--log needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup-docker: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

DEFAULT_SOCK=/var/run/docker.sock
SOCK="$DEFAULT_SOCK"
case "${DOCKER_HOST:-}" in
  "") ;;
  unix://*) SOCK="${DOCKER_HOST#unix://}" ;;
  *) echo "setup-docker: DOCKER_HOST=$DOCKER_HOST is not a unix socket; faasmark uses a local engine: unset DOCKER_HOST" >&2; exit 2 ;;
esac
ROOT_USER=0; [ "$(id -u)" -eq 0 ] && ROOT_USER=1
say() { echo "setup-docker: $*" >&2; }
now_ms() { date +%s%3N; }

# 1. packages
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /usr/bin/python3.11 ] || need+=(python3.11)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$ROOT_USER" -ne 1 ]; then
    say "missing ${need[*]}; install them as root: sudo apt-get install -y ${need[*]}  (or: sudo bash scripts/setup-docker.sh)"
    exit 2
  fi
  say "installing ${need[*]}"
  LOCK=(); command -v flock >/dev/null 2>&1 && LOCK=(flock /tmp/apt.lock)
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${LOCK[@]}" apt-get update -qq && "${LOCK[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2; then
    say "apt-get install ${need[*]} failed (network or sources.list?)"
    exit 1
  fi
fi

# 2. the engine: GET /_ping over the socket answers OK
engine_answers() {
  [ -S "$SOCK" ] || return 1
  DOCKER_HOST="unix://$SOCK" timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}
T0=$(now_ms)
if engine_answers; then
  say "engine answers on unix://$SOCK (server $(DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.Version}}' 2>/dev/null))"
else
  if [ "$SOCK" != "$DEFAULT_SOCK" ]; then
    say "no engine answers on unix://$SOCK (DOCKER_HOST); start that engine yourself, or unset DOCKER_HOST to use the default one"
    exit 2
  fi
  if [ "$ROOT_USER" -ne 1 ]; then
    if [ -S "$SOCK" ] && [ ! -w "$SOCK" ]; then
      say "permission denied on $SOCK (uid $(id -u)); run as root or join the socket's group: sudo usermod -aG $(stat -c %G "$SOCK") $(id -un)"
    else
      say "no Docker engine answers on unix://$SOCK and starting one needs root: sudo bash scripts/setup-docker.sh"
    fi
    exit 2
  fi
  PID=""
  if [ -s /var/run/docker.pid ] && grep -qx dockerd "/proc/$(cat /var/run/docker.pid)/comm" 2>/dev/null; then
    PID=$(cat /var/run/docker.pid)
    say "dockerd pid $PID runs but does not answer yet; waiting for it"
  elif pgrep -x dockerd >/dev/null 2>&1; then
    say "a dockerd (pid $(pgrep -x dockerd | head -1)) runs but unix://$SOCK does not answer; stop it first (kill \$(pgrep -x dockerd)), then run this again"
    exit 1
  else
    mkdir -p "$(dirname "$LOG")"
    echo "=== $(date -u +%FT%TZ) scripts/setup-docker.sh: dockerd ${DOCKERD_FLAGS:-}" >>"$LOG"
    # its own session: it outlives this shell and a Ctrl-C of the caller
    # shellcheck disable=SC2086
    setsid dockerd ${DOCKERD_FLAGS:-} </dev/null >>"$LOG" 2>&1 &
    PID=$!
    say "started dockerd pid $PID (log $LOG)"
  fi
  DEADLINE=$((T0 + TIMEOUT * 1000))
  until engine_answers; do
    if ! kill -0 "$PID" 2>/dev/null; then
      say "dockerd exited during start-up; last lines of $LOG:"; tail -n 15 "$LOG" >&2; exit 1
    fi
    if [ "$(now_ms)" -ge "$DEADLINE" ]; then
      say "no answer on unix://$SOCK within $TIMEOUT s; last lines of $LOG:"; tail -n 15 "$LOG" >&2; exit 1
    fi
    sleep 0.1
  done
  say "engine answers on unix://$SOCK after $(($(now_ms) - T0)) ms (dockerd pid $PID, log $LOG)"
fi

# 3. images
if [ "$IMAGES" -eq 1 ]; then
  DOCKER_HOST="unix://$SOCK" bash scripts/build-docker-images.sh >&2 || exit $?
fi
say "ready: faasmark's local-container runs its executors in Docker (executor: auto)"
