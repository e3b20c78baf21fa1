#!/usr/bin/env bash
# Installs the workload toolchains that are not plain Debian packages (docs/workloads.md "Toolchains"),
# into a private cache (default ~/.cache/faasmark/toolchains, env FAASMARK_CACHE), idempotently:
#   rust-web-<version>/   Debian rustc-web + cargo-web + rust-web-src (same version) + wasi-libc,
#                         unpacked with dpkg -x: apt-installing rustc-web would remove Debian's rustc
#   rust-web -> rust-web-<version>   the one build.ts uses; VERSION inside names the packages
#   componentize-py-<v>/  a venv of Debian's python3.11 with componentize-py (wheel kept in wheels/)
#   wasmtime-<v>/bin/wasmtime   cargo install --locked (the tests' wasi:http host)
# Called by scripts/install-system-deps.sh after the apt packages (lld-22, libllvm22, python3.11 …).
# Takes whatever rustc-web Debian serves now (the security archive keeps only the newest).
# Env: FAASMARK_SKIP_WASMTIME=1 skips the wasmtime build (~20 min on 2 cores).
set -euo pipefail

CACHE=${FAASMARK_CACHE:-$HOME/.cache/faasmark}
TOOLS=$CACHE/toolchains
COMPONENTIZE_PY_VERSION=0.25.1
say() { echo "install-wasm-toolchain: $*"; }
die() { echo "install-wasm-toolchain: $*" >&2; exit 1; }
mkdir -p "$TOOLS"

# ---- Debian rustc-web (private prefix) -------------------------------------------------------
candidate() { apt-cache policy rustc-web 2>/dev/null | awk '/Candidate:/ {print $2}'; }
version=$(candidate)
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  apt-get update -qq || true # package lists missing or stale (a fresh machine)
  version=$(candidate)
fi
[ -n "$version" ] && [ "$version" != "(none)" ] ||
  die "apt knows no rustc-web: is bookworm-security in sources.list? (then apt-get update)"
series=$(echo "$version" | sed -E 's/^([0-9]+\.[0-9]+)\..*/\1/')
prefix=$TOOLS/rust-web-$version
if [ -f "$prefix/VERSION" ]; then
  say "rust-web $version present ($prefix)"
else
  rm -rf "$prefix.partial"
  mkdir -p "$prefix.partial/debs"
  (cd "$prefix.partial/debs" &&
    apt-get download "rustc-web=$version" "cargo-web=$version" "rust-web-src=$version" \
      "libstd-rust-web-$series=$version" "libstd-rust-web-dev=$version" wasi-libc) ||
    die "apt-get download of rustc-web $version failed (network, or the version left the archive: re-run)"
  for deb in "$prefix.partial"/debs/*.deb; do dpkg -x "$deb" "$prefix.partial/root"; done
  libc=$(dpkg-deb -f "$prefix.partial"/debs/wasi-libc_*.deb Version)
  printf 'rustc-web %s\nrust-web-src %s\nwasi-libc %s\n' "$version" "$version" "$libc" >"$prefix.partial/VERSION"
  rm -rf "$prefix.partial/debs" "$prefix"
  mv "$prefix.partial" "$prefix"
  say "rust-web $version unpacked into $prefix"
fi
ln -sfn "rust-web-$version" "$TOOLS/rust-web.tmp" && mv -T "$TOOLS/rust-web.tmp" "$TOOLS/rust-web"
for old in "$TOOLS"/rust-web-*; do # an earlier version (~730 MB each) once the archive moved on
  [ "$old" = "$prefix" ] || { rm -rf "$old" && say "removed $old"; }
done
LD_LIBRARY_PATH="$prefix/root/usr/lib/x86_64-linux-gnu" "$prefix/root/usr/bin/rustc" -V >/dev/null ||
  die "the unpacked rustc-web does not run (is libllvm22 installed? bash scripts/install-system-deps.sh)"

# ---- componentize-py (venv of Debian's python3.11) --------------------------------------------
venv=$TOOLS/componentize-py-$COMPONENTIZE_PY_VERSION
if [ -x "$venv/bin/componentize-py" ]; then
  say "componentize-py $COMPONENTIZE_PY_VERSION present ($venv)"
else
  mkdir -p "$TOOLS/wheels"
  rm -rf "$venv"
  /usr/bin/python3.11 -m venv "$venv" || die "python3.11 -m venv failed (apt-get install python3.11-venv)"
  if ! ls "$TOOLS/wheels"/componentize_py-"$COMPONENTIZE_PY_VERSION"-*.whl >/dev/null 2>&1; then
    "$venv/bin/pip" download -q --no-deps -d "$TOOLS/wheels" "componentize-py==$COMPONENTIZE_PY_VERSION" ||
      die "pip download componentize-py==$COMPONENTIZE_PY_VERSION failed (PyPI reachable?)"
  fi
  "$venv/bin/pip" install -q --no-index --find-links "$TOOLS/wheels" "componentize-py==$COMPONENTIZE_PY_VERSION"
  say "componentize-py $COMPONENTIZE_PY_VERSION installed into $venv"
fi

# ---- wasmtime CLI (the wasi:http host of the tests and of local-wasm's wasmtime engine) -------
if [ "${FAASMARK_SKIP_WASMTIME:-}" = 1 ]; then
  say "wasmtime skipped (FAASMARK_SKIP_WASMTIME=1)"
else
  bash "$(dirname "$0")/install-wasmtime.sh" # its root: FAASMARK_WASMTIME_ROOT, else $TOOLS/wasmtime-<pinned>
fi
say "done"
