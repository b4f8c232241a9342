#!/usr/bin/env bash
# Builds the agent image (default nanoclaw-agent:latest) with the detected container runtime.
#   1. publishes the C# agent runner self-contained for the host's architecture (linux-x64 / linux-arm64)
#   2. builds container/Dockerfile with podman, docker or Apple's container CLI
# Environment: BASE_IMAGE, WITH_CHROMIUM (1|0), IMAGE (name:tag), CONTAINER_RUNTIME (force one),
#              RUNNER_ARCH (x64|arm64, to cross-publish).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd .. && pwd)

IMAGE=${IMAGE:-nanoclaw-agent:latest}
WITH_CHROMIUM=${WITH_CHROMIUM:-1}
step() { printf '[build] %s\n' "$*"; }
started=$(date +%s)
LOG=${TMPDIR:-/tmp}/nanoclaw-agent-build.log
: > "$LOG"

case "${RUNNER_ARCH:-$(uname -m)}" in
  x86_64|amd64|x64) RID=linux-x64 ;;
  aarch64|arm64) RID=linux-arm64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

runtime=${CONTAINER_RUNTIME:-}
if [ -z "$runtime" ]; then
  for candidate in container podman docker; do
    if command -v "$candidate" >/dev/null 2>&1; then
      # Apple's `container` only counts on macOS; a Linux binary by that name is something else.
      if [ "$candidate" = container ] && [ "$(uname -s)" != Darwin ]; then continue; fi
      runtime=$candidate; break
    fi
  done
fi
[ -n "$runtime" ] || { echo "no container runtime found (install podman, docker or Apple container)" >&2; exit 1; }

step "publishing the agent runner for $RID"
rm -rf "$HERE/.runner"
dotnet publish "$HERE/agent-runner/NanoClaw.AgentRunner.csproj" -c Release -r "$RID" -o "$HERE/.runner" --nologo -v quiet
ls -lh "$HERE/.runner/nanoclaw-agent-runner" | awk '{print "[build] runner: " $5}'

args=(build -t "$IMAGE" -f "$HERE/Dockerfile" --build-arg "WITH_CHROMIUM=$WITH_CHROMIUM")
[ -n "${BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
# scripts/install-agent-image.sh labels the image with a hash of its sources to know when to rebuild.
[ -n "${SOURCE_HASH:-}" ] && args+=(--label "nanoclaw.source=$SOURCE_HASH")
if [ "$runtime" = podman ]; then
  # Host networking reaches the package mirrors the host uses; the host's CA bundle lets npm trust them.
  args+=(--network host)
  # (mounted beside the image's own bundle, which apt's ca-certificates must be free to rewrite).
  [ -f /etc/ssl/certs/ca-certificates.crt ] && args+=(-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro)
elif [ "$runtime" = docker ]; then
  args+=(--network host)
fi

step "building $IMAGE with $runtime (base: ${BASE_IMAGE:-Dockerfile default}, chromium: $WITH_CHROMIUM)"
"$runtime" "${args[@]}" "$HERE" 2>&1 | while IFS= read -r line; do
  case "$line" in STEP*|"[1/"*|"#"*" DONE"*|*Successfully*|*COMMIT*) printf '[build] %s\n' "$line" ;; esac
  printf '%s\n' "$line" >> "$LOG"
done
status=${PIPESTATUS[0]}
if [ "$status" != 0 ]; then
  echo "[build] failed; last lines of $LOG:" >&2
  tail -30 "$LOG" >&2
  exit "$status"
fi

size=$("$runtime" image inspect "$IMAGE" --format '{{.Size}}' 2>/dev/null || echo 0)
step "done: $IMAGE, $((size / 1000000)) MB, $(( $(date +%s) - started )) s"
step "test it: echo '{}' | $runtime run -i --rm $IMAGE   (prints an error record: the input is incomplete)"
