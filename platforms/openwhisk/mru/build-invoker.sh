#!/usr/bin/env bash
# Build the OpenWhisk invoker image with faasmark's MRU routing patch (containerpool-mru.patch:
# ContainerPool.schedule picks the warm container with the largest lastUsed).
#
#   platforms/openwhisk/mru/build-invoker.sh [OPENWHISK_CHECKOUT]
#
# Env: OW_COMMIT (pinned commit; default ef725a653ab112391f79c274d8e3dcfb915d59a3, the
#      openwhisk-deploy-kube chart's default image tag ef725a6),
#      IMAGE_PREFIX (default faasmark), IMAGE_TAG (default mru-<short commit>),
#      OW_REPO (default https://github.com/apache/openwhisk.git) when no checkout is given,
#      KIND_CLUSTER (when set: `kind load docker-image` into that cluster).
# Needs: git, docker (engine running), JDK 11 (Gradle 6.9 wrapper in the OpenWhisk tree).
# Prints one JSON line on stdout: {"image","imageId","openwhiskCommit","patchSha256"}; record
# it in the suite (invokerImage) — faasmark records the running digest in every manifest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
patch_file="$here/containerpool-mru.patch"
commit="${OW_COMMIT:-ef725a653ab112391f79c274d8e3dcfb915d59a3}"
prefix="${IMAGE_PREFIX:-faasmark}"
tag="${IMAGE_TAG:-mru-${commit:0:7}}"
repo_url="${OW_REPO:-https://github.com/apache/openwhisk.git}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 not found: $2" >&2; exit 2; }; }
need git "apt-get install -y git"
need docker "install Docker and start the engine"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || { echo "error: the Docker engine is not reachable (start dockerd)" >&2; exit 2; }
need java "install a JDK 11 (Gradle 6.9 in the OpenWhisk tree), or run this script in the Dockerfile beside it"

if [[ $# -ge 1 ]]; then
  src="$(cd "$1" && pwd)"
else
  src="$(mktemp -d)/openwhisk"
  echo "cloning $repo_url into $src" >&2
  git clone --quiet "$repo_url" "$src"
fi

cd "$src"
if [[ -n "$(git status --porcelain)" ]]; then
  echo "error: $src has local changes; use a clean checkout" >&2
  exit 2
fi
git -c advice.detachedHead=false checkout --quiet "$commit"
git apply --check "$patch_file"
git apply "$patch_file"
grep -q "faasmark MRU routing" core/invoker/src/main/scala/org/apache/openwhisk/core/containerpool/ContainerPool.scala

echo "building ${prefix}/invoker:${tag} (gradle distDocker)" >&2
./gradlew --no-daemon :common:scala:distDocker :core:invoker:distDocker \
  -PdockerImagePrefix="$prefix" -PdockerImageTag="$tag" >&2

# leave the checkout as we found it
git checkout --quiet -- .

image="${prefix}/invoker:${tag}"
image_id="$(docker image inspect --format '{{.Id}}' "$image")"
patch_sha="$(sha256sum "$patch_file" | cut -d' ' -f1)"
if [[ -n "${KIND_CLUSTER:-}" ]]; then
  need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  kind load docker-image "$image" --name "$KIND_CLUSTER" >&2
fi
printf '{"image":"%s","imageId":"%s","openwhiskCommit":"%s","patchSha256":"%s"}\n' "$image" "$image_id" "$commit" "$patch_sha"
