#!/usr/bin/env bash
# Builds localhost/nanoclaw-test:latest, the small image the real-container tests run
# (NanoClaw.Tests/Fixtures/test-image). Fast when the image is present and its sources are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=localhost/nanoclaw-test:latest
SRC=NanoClaw.Tests/Fixtures/test-image
bash .ci/setup-podman.sh
bash .ci/base-image.sh
# The image carries a label with the hash of its sources, so edits rebuild it and re-runs do not.
HASH=$(cat "$SRC"/Dockerfile "$SRC"/entrypoint.sh | sha256sum | cut -c1-16)
if podman image exists "$IMAGE" && [ "$(podman image inspect "$IMAGE" --format '{{index .Labels "nanoclaw.test.hash"}}')" = "$HASH" ]; then
  echo "[test-image] $IMAGE present"
  exit 0
fi
podman build --network host --label "nanoclaw.test.hash=$HASH" -t "$IMAGE" "$SRC" >/dev/null
echo "[test-image] $IMAGE built"
