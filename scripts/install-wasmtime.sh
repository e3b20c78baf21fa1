#!/usr/bin/env bash
# Installs the pinned Wasmtime CLI that local-wasm's `wasmtime` engine runs (docs/embedded-platforms.md
# "Wasmtime engine"): `cargo install wasmtime-cli` from crates.io, no GitHub download.
# Idempotent: skips when <root>/bin/wasmtime already is this version with `serve` and `compile`.
#   bash scripts/install-wasmtime.sh            # root: $FAASMARK_WASMTIME_ROOT, else ${FAASMARK_CACHE:-~/.cache/faasmark}/toolchains/wasmtime-48.0.8
#   bash scripts/install-wasmtime.sh --root DIR
# Needs cargo (rustup, Rust >= 1.88); a build from scratch takes ~15-20 min on 2 cores.
set -euo pipefail

VERSION=48.0.8
# `serve` needs component-model-async in 48.x; `compile` gives `wasmtime compile` (.cwasm);
# the clap features give --help. Keep in sync with WASMTIME_FEATURES in platforms/external/wasmtime-serve.ts.
FEATURES=serve,run,compile,cranelift,pooling-allocator,parallel-compilation,component-model,component-model-async,cache,wat,logging,clap/default,clap/wrap_help

# the workload toolchains' place (FAASMARK_CACHE), so whichever script runs first builds it once
ROOT=${FAASMARK_WASMTIME_ROOT:-${FAASMARK_CACHE:-$HOME/.cache/faasmark}/toolchains/wasmtime-$VERSION}
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2:?--root needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install-wasmtime: unknown argument $1 (use --root DIR)" >&2; exit 2 ;;
  esac
done
BIN="$ROOT/bin/wasmtime"

# The right version, with the subcommands faasmark uses: nothing to do.
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep "^wasmtime $VERSION\b" >/dev/null \
  && "$BIN" serve --help >/dev/null 2>&1 && "$BIN" compile --help >/dev/null 2>&1; then
  echo "install-wasmtime: $("$BIN" --version) already at $BIN"
  exit 0
fi

if ! command -v cargo >/dev/null 2>&1; then
  for candidate in "$HOME/.cargo/bin/cargo"; do
    if [ -x "$candidate" ]; then PATH="$(dirname "$candidate"):$PATH"; fi
  done
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "install-wasmtime: cargo not found; install Rust with rustup (https://rustup.rs, Rust >= 1.88), then re-run" >&2
  exit 1
fi

echo "install-wasmtime: building wasmtime-cli $VERSION into $ROOT with $(cargo --version) (takes ~15-20 min on 2 cores)"
start=$(date +%s)
mkdir -p "$ROOT"
cargo install wasmtime-cli --version "$VERSION" --locked --no-default-features \
  --features "$FEATURES" --root "$ROOT"
end=$(date +%s)
echo "install-wasmtime: $("$BIN" --version) installed at $BIN in $((end - start)) s"
