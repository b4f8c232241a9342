#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine (root), then runs every test.
# Locally without CI=true, tests that need a missing component skip with a message instead.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build NanoClaw.sln -c Debug -warnaserror 2>&1 | tail -3
set +e
dotnet test NanoClaw.sln --no-build -c Debug --logger "console;verbosity=normal" 2>&1 | tee /tmp/nanoclaw-test.log
status=${PIPESTATUS[0]}
set -e
# One plain summary line for CI readers: "N passed, N failed, N skipped".
awk '/^(Passed|Failed)!/ { for (i=1;i<=NF;i++) { if ($i=="Failed:") f+=$(i+1); if ($i=="Passed:") p+=$(i+1); if ($i=="Skipped:") s+=$(i+1) } }
     END { gsub(",","",f); printf "%d passed, %d failed, %d skipped\n", p, f, s }' /tmp/nanoclaw-test.log
exit $status
