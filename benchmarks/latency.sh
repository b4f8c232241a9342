#!/usr/bin/env bash
# Builds the daemon and the latency harness (Release) and measures SPEC §13's paths against the real daemon with the
# fake container runtime. Extra arguments go to the harness, e.g. --samples 500 --idle-seconds 60 --keep.
# The last line of the output is one JSON object with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release benchmarks/NanoClaw.Latency/NanoClaw.Latency.csproj -nologo -v q >&2
exec dotnet benchmarks/NanoClaw.Latency/bin/Release/net10.0/NanoClaw.Latency.dll \
  --daemon NanoClaw.Shell/bin/Release/net10.0/nanoclaw.dll \
  --fake-runtime benchmarks/fake-runtime/fake-runtime "$@"
