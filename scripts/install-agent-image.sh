#!/usr/bin/env bash
# Builds the agent image nanoclaw-agent:latest for the tests and the daemon, unless an image built from the
# same sources is already there. The sources' hash is stored as an image label; podman's layer cache keeps
# a rebuild after a runner change quick (only the publish and the last layers run again).
# Uses localhost/debian-base:bookworm as the base when it exists (no registry needed), else the Dockerfile's
# default node image. BASE_IMAGE / WITH_CHROMIUM override.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-nanoclaw-agent:latest}
runtime=$(command -v podman || command -v docker || true)
[ -n "$runtime" ] || { echo "[agent-image] no podman or docker; skipping" >&2; exit 0; }

if [ -z "${BASE_IMAGE:-}" ] && "$runtime" image exists localhost/debian-base:bookworm 2>/dev/null; then
  export BASE_IMAGE=localhost/debian-base:bookworm
fi

hash=$( { cat container/Dockerfile; echo "${BASE_IMAGE:-} ${WITH_CHROMIUM:-1}";
          find container/agent-runner NanoClaw.Core Directory.Packages.props Directory.Build.props \
               -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -not -path '*/bin/*' -not -path '*/obj/*' \
               -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16)

current=$("$runtime" image inspect "$IMAGE" --format '{{ index .Labels "nanoclaw.source" }}' 2>/dev/null || true)
if [ "$current" = "$hash" ]; then
  echo "[agent-image] $IMAGE is up to date ($hash)"
  exit 0
fi

echo "[agent-image] building $IMAGE (sources $hash${current:+, image had $current})"
SOURCE_HASH=$hash IMAGE=$IMAGE CONTAINER_RUNTIME=$(basename "$runtime") bash container/build.sh
