#!/usr/bin/env bash
# Builds localhost/debian-base:bookworm from the Debian mirror with debootstrap, because no
# image registry is reachable here. Skips the work when the image already exists.
set -euo pipefail
IMAGE=localhost/debian-base:bookworm
if podman image exists "$IMAGE"; then echo "[base-image] $IMAGE present"; exit 0; fi
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
DIR=$(mktemp -d)
echo "[base-image] debootstrap bookworm from $MIRROR"
debootstrap --variant=minbase bookworm "$DIR" "$MIRROR" >/dev/null
tar -C "$DIR" -c . | podman import - "$IMAGE" >/dev/null
rm -rf "$DIR"
echo "[base-image] $IMAGE built"
