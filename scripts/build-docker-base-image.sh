#!/usr/bin/env bash
# Build the base image of local-container's Docker executor offline (no registry needed).
# The workload's action server and its files are bind-mounted read-only at their host paths
# when a container is created, so the image only has to provide what they link against.
#
# Usage: scripts/build-docker-base-image.sh [--from debootstrap|host] [--tag TAG] [binary ...]
#   --from debootstrap  a Debian bookworm minbase rootfs (`debootstrap --variant=minbase`,
#                       ~30 s, needs a Debian mirror: MIRROR=..., default deb.debian.org)
#   --from host         (default) only the dynamic loader and the shared libraries the given
#                       binaries need (ldd), copied from this host: no network at all.
#                       Default binaries: the built action servers (workloads/build/*/native/*-server)
#                       and node (for float's Node action server).
#   --tag TAG           default faasmark/action-base:bookworm (the platform's default `image`)
# Needs: a running Docker engine (DOCKER_HOST is honoured); root for debootstrap.
# Prints the image id on stdout; progress on stderr.
set -euo pipefail

FROM=host
TAG="faasmark/action-base:bookworm"
BINARIES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="${2:?--from needs debootstrap or host}"; shift 2 ;;
    --tag) TAG="${2:?--tag needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) BINARIES+=("$1"); shift ;;
  esac
done
case "$FROM" in debootstrap|host) ;; *) echo "error: --from must be debootstrap or host, got $FROM" >&2; exit 2 ;; esac

if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker CLI not found; install it: apt-get install -y docker.io" >&2
  exit 2
fi
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "error: no Docker engine reachable; start one: (dockerd > /var/log/dockerd.log 2>&1 &)" >&2
  exit 2
fi

ROOTFS="$(mktemp -d /tmp/faasmark-rootfs.XXXXXX)"
cleanup() { rm -rf "$ROOTFS"; }
trap cleanup EXIT

if [ "$FROM" = debootstrap ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "error: debootstrap not found; install it: apt-get install -y debootstrap (or use --from host)" >&2
    exit 2
  fi
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
  echo "debootstrap --variant=minbase bookworm -> $ROOTFS" >&2
  debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >&2
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*
else
  ROOT="$(cd "$(dirname "$0")/.." && pwd)"
  if [ ${#BINARIES[@]} -eq 0 ]; then
    shopt -s nullglob
    BINARIES=("$ROOT"/workloads/build/*/native/*-server "$(command -v node)")
  fi
  if [ ${#BINARIES[@]} -eq 0 ]; then
    echo "error: no binaries to take libraries from; build the workloads first (npm run build:workloads)" >&2
    exit 2
  fi
  # every library a binary loads (ldd lines "name => /path (addr)" and "/lib64/ld-linux... (addr)")
  for bin in "${BINARIES[@]}"; do
    ldd "$bin" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
  done | sort -u | while read -r lib; do
    mkdir -p "$ROOTFS$(dirname "$lib")"
    cp -L "$lib" "$ROOTFS$lib"
  done
  mkdir -p "$ROOTFS/tmp" "$ROOTFS/etc"
  chmod 1777 "$ROOTFS/tmp"
  echo 'nobody:x:65534:65534:nobody:/:/nonexistent' > "$ROOTFS/etc/passwd"
  echo "rootfs from host libraries of ${#BINARIES[@]} binaries: $(du -sh "$ROOTFS" | cut -f1)" >&2
fi

tar -C "$ROOTFS" -c . | docker import --change 'WORKDIR /' - "$TAG" >&2
docker image inspect --format '{{.Id}}' "$TAG"
echo "built $TAG; use it with: faasmark serve local-container --workload aes --executor docker" >&2
