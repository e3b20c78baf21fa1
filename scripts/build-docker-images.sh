#!/usr/bin/env bash
# Builds local-container's base images offline, from this host's files (no registry, no network):
#   action  faasmark/action-base:bookworm  the dynamic loader and the libraries compiled action
#           servers and node link against; the server itself is bind-mounted read-only at run time
#   python  faasmark/python-base:3.11      Debian's /usr/bin/python3.11, its stdlib with .pyc files
#           (no bytecode compilation at a cold start), the libraries of it and its extension modules
# Both get /tmp (1777) and /etc/passwd (nobody). Idempotent: an image whose content label matches
# the files is left alone (same image id); a rebuilt one replaces the tag and its old image goes.
#
# Usage: scripts/build-docker-images.sh [action] [python] [--force]   (default: both)
# Env: ACTION_IMAGE, PYTHON_IMAGE (tags), PYTHON (default /usr/bin/python3.11), DOCKER_HOST.
# Prints "<tag> <image id>" per image on stdout; progress on stderr. Exit 2: bad usage, no
# docker CLI, no engine, no python3.11 (each message names the fix).
set -euo pipefail

ACTION_IMAGE="${ACTION_IMAGE:-faasmark/action-base:bookworm}"
PYTHON_IMAGE="${PYTHON_IMAGE:-faasmark/python-base:3.11}"
PYTHON="${PYTHON:-/usr/bin/python3.11}"
FORCE=0
KINDS=()
for arg in "$@"; do
  case "$arg" in
    action|python) KINDS+=("$arg") ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "error: unknown argument $arg (expected action, python, --force; see --help)" >&2; exit 2 ;;
  esac
done
[ ${#KINDS[@]} -gt 0 ] || KINDS=(action python)

log() { echo "build-docker-images: $*" >&2; }
command -v docker >/dev/null 2>&1 || { echo "error: docker CLI not found; install it: apt-get install -y docker.io (or run scripts/setup-docker.sh)" >&2; exit 2; }
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "error: no Docker engine answers${DOCKER_HOST:+ on $DOCKER_HOST}; start one (as root): bash scripts/setup-docker.sh" >&2
  exit 2
fi

WORK="$(mktemp -d /tmp/faasmark-images.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# Copy every library (and the loader) that the given ELF files need, at the same path.
copy_libraries() {
  local root="$1"; shift
  for bin in "$@"; do
    ldd "$bin" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
  done | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

base_files() {
  local root="$1"
  mkdir -p "$root/tmp" "$root/etc"
  chmod 1777 "$root/tmp"
  echo 'nobody:x:65534:65534:nobody:/:/nonexistent' > "$root/etc/passwd"
}

rootfs_action() {
  local root="$1" node
  node="$(command -v node || true)"
  [ -n "$node" ] || { echo "error: node not found (faasmark runs on Node 20)" >&2; exit 2; }
  # node's libraries cover Rust/C servers (libc, libm, libgcc_s, libpthread, libdl) and C++ ones
  copy_libraries "$root" "$node"
  # awk reads to the end: an early exit would SIGPIPE ldconfig, which pipefail turns into a failure
  for lib in librt.so.1 libutil.so.1; do
    path="$(ldconfig -p 2>/dev/null | awk -v l="$lib" '!found && $1 == l && /x86-64|x86_64|64bit/ { print $NF; found = 1 }')"
    if [ -n "$path" ]; then mkdir -p "$root$(dirname "$path")"; cp -L "$path" "$root$path"; fi
  done
  base_files "$root"
}

rootfs_python() {
  local root="$1" stdlib
  [ -x "$PYTHON" ] || { echo "error: $PYTHON not found; install it: apt-get install -y python3.11" >&2; exit 2; }
  stdlib="$("$PYTHON" -I -S -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')"
  mkdir -p "$root/usr/bin" "$root/usr/lib"
  cp -L "$PYTHON" "$root/usr/bin/python3.11"
  ln -s python3.11 "$root/usr/bin/python3"
  # the stdlib without the static libpython (25 MB) and the test suite; tar keeps modes, links, mtimes
  tar -C "$(dirname "$stdlib")" --exclude='*/config-3.11-*' --exclude="$(basename "$stdlib")/test" \
    --exclude='*/site-packages/*' --exclude='*/dist-packages/*' -cf - "$(basename "$stdlib")" | tar -C "$root/usr/lib" -xf -
  # .pyc for every module that lacks one (Debian ships most): a cold start never compiles the stdlib
  "$PYTHON" -I -S -m compileall -q -j 0 -s "$root" -p / "$root/usr/lib/$(basename "$stdlib")" >/dev/null || true
  copy_libraries "$root" "$PYTHON" "$stdlib"/lib-dynload/*.so
  base_files "$root"
}

# A digest of the tree: paths, modes, link targets and file contents.
content_digest() {
  local root="$1"
  (cd "$root" && find . -printf '%p %m %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-32
}

build() {
  local kind="$1" tag root digest current old changes
  if [ "$kind" = action ]; then tag="$ACTION_IMAGE"; else tag="$PYTHON_IMAGE"; fi
  root="$WORK/$kind"
  mkdir -p "$root"
  "rootfs_$kind" "$root"
  digest="$(content_digest "$root")"
  current="$(docker image inspect --format '{{index .Config.Labels "faasmark.content"}}' "$tag" 2>/dev/null || true)"
  if [ "$FORCE" -eq 0 ] && [ "$current" = "$digest" ]; then
    log "$tag is up to date (content $digest)"
    echo "$tag $(docker image inspect --format '{{.Id}}' "$tag")"
    return
  fi
  old="$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
  changes=(--change 'WORKDIR /' --change "LABEL faasmark.content=$digest" --change "LABEL faasmark.kind=$kind")
  if [ "$kind" = python ]; then
    changes+=(--change 'LABEL faasmark.interpreters="/usr/bin/python3.11 /usr/bin/python3"' --change 'ENV PYTHONDONTWRITEBYTECODE=1')
  fi
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . | docker import "${changes[@]}" - "$tag" >/dev/null
  log "built $tag: $(du -sh "$root" | cut -f1), $(find "$root" -type f | wc -l) files (content $digest)"
  # the replaced image is dangling now: remove it unless a container still uses it
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
    docker rmi "$old" >/dev/null 2>&1 && log "removed the previous $tag (${old:7:12})" || true
  fi
  echo "$tag $(docker image inspect --format '{{.Id}}' "$tag")"
}

for kind in "${KINDS[@]}"; do build "$kind"; done
