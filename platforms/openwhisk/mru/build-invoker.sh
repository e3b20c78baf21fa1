#!/usr/bin/env bash
# Build faasmark's MRU invoker (docs/openwhisk.md "MRU invoker"): compile only the invoker jar
# of the pinned OpenWhisk commit with containerpool-mru.patch, and layer it onto the upstream
# invoker image of the same commit (Dockerfile.layer), so it matches the chart's controller.
#
#   platforms/openwhisk/mru/build-invoker.sh [OPENWHISK_CHECKOUT]
#
# Env: OW_COMMIT (default below = platforms/openwhisk/pins.ts), OW_REPO (when no checkout is
#      given), INVOKER_BASE (default openwhisk/invoker:<short commit>; name@sha256:… accepted),
#      IMAGE (default faasmark/invoker:mru-<short commit>), KIND_CLUSTER (also `kind load`).
# Needs: git, a Docker engine, a JDK 11-16 (the tree's Gradle 6.9.1 runs on JDK <= 16).
# stdout: one JSON line {"image","imageId","base","baseId","baseRepoDigests","openwhiskCommit",
# "mruPatchSha256","buildPatchSha256"}; progress on stderr. Exit 2: missing tool or wrong JDK.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mru_patch="$here/containerpool-mru.patch"
build_patch="$here/build-without-scalafmt.patch"
commit="${OW_COMMIT:-ef725a653ab112391f79c274d8e3dcfb915d59a3}"
short="${commit:0:7}"
base="${INVOKER_BASE:-openwhisk/invoker:${short}}"
image="${IMAGE:-faasmark/invoker:mru-${short}}"
repo_url="${OW_REPO:-https://github.com/apache/openwhisk.git}"

die() { echo "error: $2" >&2; exit "$1"; }
need() { command -v "$1" >/dev/null 2>&1 || die 2 "$1 not found: $2"; }
need git "apt-get install -y git"
need docker "install Docker and start the engine"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die 2 "the Docker engine is not reachable (start dockerd)"
need java "install a JDK 11 (actions/setup-java with java-version 11, or run this script in the Dockerfile beside it)"
java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.\{0,1\}\([0-9]*\).*/\1 \2/p' | sed -n 1p)"
read -r major minor <<<"$java_major"
if [[ "$major" == "1" ]]; then major="$minor"; fi
if [[ -z "$major" || "$major" -lt 11 || "$major" -gt 16 ]]; then
  die 2 "found JDK ${major:-unknown} ($(command -v java)); the OpenWhisk tree at ${short} builds with Gradle 6.9.1, which runs on JDK 11-16: set JAVA_HOME to a JDK 11"
fi

cleanup_dirs=()
cleanup() { if ((${#cleanup_dirs[@]})); then rm -rf "${cleanup_dirs[@]}"; fi; }
trap cleanup EXIT

if [[ $# -ge 1 ]]; then
  src="$(cd "$1" && pwd)"
  [[ -z "$(git -C "$src" status --porcelain)" ]] || die 2 "$src has local changes; use a clean checkout"
  git -C "$src" -c advice.detachedHead=false checkout -q "$commit"
  restore() { git -C "$src" checkout -q -- .; }
else
  work="$(mktemp -d)"
  cleanup_dirs+=("$work")
  src="$work/openwhisk"
  echo "fetching $repo_url at $commit" >&2
  git init -q "$src"
  git -C "$src" fetch -q --depth 1 "$repo_url" "$commit"
  git -C "$src" -c advice.detachedHead=false checkout -q --detach FETCH_HEAD
  restore() { :; }
fi
[[ "$(git -C "$src" rev-parse HEAD)" == "$commit" ]] || die 1 "checkout is not at $commit"

cd "$src"
git apply --check "$mru_patch" "$build_patch"
git apply "$mru_patch" "$build_patch"
grep -q "faasmark MRU routing" core/invoker/src/main/scala/org/apache/openwhisk/core/containerpool/ContainerPool.scala

# the base first: a missing upstream image fails before the ~10 min compile
if ! docker image inspect "$base" >/dev/null 2>&1; then
  echo "pulling $base" >&2
  docker pull -q "$base" >&2
fi

echo "compiling the invoker jar (gradle :core:invoker:jar)" >&2
# CI unset: the tree's build-scan plugin publishes a scan whenever CI is set
env -u CI ./gradlew --no-daemon -q :core:invoker:jar >&2
mapfile -t jars < <(find core/invoker/build/libs -maxdepth 1 -name 'openwhisk-invoker-*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar')
[[ ${#jars[@]} -eq 1 ]] || die 1 "expected one core/invoker/build/libs/openwhisk-invoker-*.jar, found ${#jars[@]}"

ctx="$(mktemp -d)"
cleanup_dirs+=("$ctx")
cp "$here/Dockerfile.layer" "$ctx/Dockerfile"
cp "${jars[0]}" "$ctx/openwhisk-invoker.jar"
restore

echo "building $image on $base" >&2
docker build -q --force-rm --build-arg "BASE=$base" -t "$image" "$ctx" >&2

image_id="$(docker image inspect --format '{{.Id}}' "$image")"
base_id="$(docker image inspect --format '{{.Id}}' "$base")"
base_digests="$(docker image inspect --format '{{json .RepoDigests}}' "$base")"
mru_sha="$(sha256sum "$mru_patch" | cut -d' ' -f1)"
build_sha="$(sha256sum "$build_patch" | cut -d' ' -f1)"
if [[ -n "${KIND_CLUSTER:-}" ]]; then
  need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  kind load docker-image "$image" --name "$KIND_CLUSTER" >&2
fi
printf '{"image":"%s","imageId":"%s","base":"%s","baseId":"%s","baseRepoDigests":%s,"openwhiskCommit":"%s","mruPatchSha256":"%s","buildPatchSha256":"%s"}\n' \
  "$image" "$image_id" "$base" "$base_id" "$base_digests" "$commit" "$mru_sha" "$build_sha"
