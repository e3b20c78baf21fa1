#!/usr/bin/env bash
# Installs the Debian packages faasmark needs (called first by .ci/run; safe to re-run), then
# the workload toolchains outside apt (scripts/install-wasm-toolchain.sh).
# Idempotent: `apt-get update` runs once, and only when a package in PACKAGES is missing.
# Other areas: add your packages to PACKAGES below (one per line, with a comment).
set -euo pipefail

PACKAGES=(
  # workloads (docs/workloads.md "Toolchains"); rustc-web itself is unpacked privately by
  # scripts/install-wasm-toolchain.sh (apt-installing it would remove Debian's rustc)
  lld-22                  # wasm-ld for rustc-web's LLVM 22 objects (pulls libllvm22, rustc-web's LLVM)
  libgit2-1.5             # cargo-web's shared libraries …
  libcurl4                #   …
  libssh2-1               #   …
  python3.11              # float's native action server (Debian CPython 3.11, python3.11 -I -S)
  libpython3.11-stdlib    # json, http.server (python3.11-minimal lacks them)
  python3.11-venv         # the venv componentize-py is installed into
  # report / reproduce (docs/results.md): the font file resvg loads so PNG figures have text
  fonts-dejavu-core       # /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep 'install ok installed' >/dev/null; then
    missing+=("$pkg")
  fi
done

HERE=$(cd "$(dirname "$0")" && pwd)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all ${#PACKAGES[@]} packages present"
  bash "$HERE/install-wasm-toolchain.sh"
  exit 0
fi

echo "install-system-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: not root and no sudo; install as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
# serialise with other apt users on this machine when flock is available
LOCK=()
if command -v flock >/dev/null 2>&1; then LOCK=(flock /tmp/apt.lock); fi

export DEBIAN_FRONTEND=noninteractive
if ! $SUDO "${LOCK[@]}" apt-get update; then
  echo "install-system-deps: apt-get update failed (network or sources.list?); needed: ${missing[*]}" >&2
  exit 1
fi
if ! $SUDO "${LOCK[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  echo "install-system-deps: apt-get install failed for: ${missing[*]}" >&2
  exit 1
fi
echo "install-system-deps: done"
bash "$HERE/install-wasm-toolchain.sh"
