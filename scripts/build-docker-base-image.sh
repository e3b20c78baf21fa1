#!/usr/bin/env bash
# Build the base image of local-container's Docker executor offline (no registry needed):
# a Debian bookworm minbase rootfs from debootstrap, imported with `docker import`.
# The workload's action server and its files are bind-mounted read-only at run time, so the
# image only needs a libc (Rust action servers) — and node, which is mounted from the host
# for the Node action server (float) because it is dynamically linked against the same
# glibc as bookworm's.
#
# Usage: scripts/build-docker-base-image.sh [image-tag]   (default faasmark/action-base:bookworm)
# Needs: root, a running Docker engine, `debootstrap` (apt-get install -y debootstrap),
#        a reachable Debian mirror (MIRROR=..., default deb.debian.org).
set -euo pipefail

TAG="${1:-faasmark/action-base:bookworm}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker CLI not found; install it: apt-get install -y docker.io" >&2
  exit 2
fi
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "error: no Docker engine reachable; start one: (dockerd > /var/log/dockerd.log 2>&1 &)" >&2
  exit 2
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "error: debootstrap not found; install it: apt-get install -y debootstrap" >&2
  exit 2
fi

ROOTFS="$(mktemp -d /tmp/faasmark-rootfs.XXXXXX)"
cleanup() { rm -rf "$ROOTFS"; }
trap cleanup EXIT

echo "debootstrap --variant=minbase bookworm -> $ROOTFS (about 30 s)" >&2
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >&2
# keep the image small: no apt caches or docs
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*

tar -C "$ROOTFS" -c . | docker import --change 'WORKDIR /' - "$TAG" >&2
docker image inspect --format '{{.Id}}' "$TAG"
echo "built $TAG; use it with: faasmark serve local-container --workload aes --executor docker" >&2
