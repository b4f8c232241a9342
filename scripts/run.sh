#!/usr/bin/env bash
# The one command that runs the assistant. It builds the `nanoclaw` daemon, installs the WhatsApp
# sidecar's packages and builds the agent image when they are missing, checks the setup with
# `nanoclaw doctor`, then starts the daemon in the foreground. Arguments go to `nanoclaw run`.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Building nanoclaw"
# ReadyToRun for this machine's runtime: precompiled code instead of JIT at every start (issue 16: `nanoclaw groups
# list` 0.56 -> 0.40 s CPU, see benchmarks/RESULTS.md); LanguageExt.Core stays IL (csproj `ReadyToRunSkip`).
# A failed build stops here with its output: never start a stale .build/nanoclaw from an earlier run.
if ! build_log=$(dotnet publish NanoClaw.Shell -c Release --use-current-runtime --self-contained false \
  -p:PublishReadyToRun=true -o .build/nanoclaw --nologo -v quiet 2>&1); then
  printf '%s\n' "$build_log" >&2
  echo "The build failed (above); nothing was started." >&2
  exit 1
fi
NANOCLAW=.build/nanoclaw/nanoclaw

if [ ! -d NanoClaw.Shell/WhatsApp/sidecar/node_modules ] && [ -f scripts/install-sidecar.sh ]; then
  echo "== Installing the WhatsApp sidecar's packages"
  bash scripts/install-sidecar.sh
fi

if [ -f container/build.sh ] && ! "$NANOCLAW" doctor --check image >/dev/null 2>&1; then
  echo "== Building the agent image (first run only; a few minutes)"
  bash container/build.sh
fi

[ -f credentials.yml ] || { install -m 600 credentials.yml.dist credentials.yml; echo "Created credentials.yml: put your Anthropic API key in it."; }

exec "$NANOCLAW" run "$@"
