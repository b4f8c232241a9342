#!/usr/bin/env bash
# The one command that runs every test. On a fresh Debian machine (as root) it first installs what
# the tests need: Podman and a Debian base image, the pinned Claude Code CLI, the test and agent
# images, the WhatsApp sidecar's npm packages and Chromium (dashboard tests). Re-runs reuse what is already there.
# Without root (or with NANOCLAW_SKIP_SETUP=1) it only builds and tests; tests whose component is
# missing then skip with a message, except under CI=true where nothing may skip.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if [ "${NANOCLAW_SKIP_SETUP:-0}" != 1 ] && [ "$(id -u)" = 0 ]; then
  step "Podman and the Debian base image"
  bash .ci/setup-podman.sh
  bash .ci/base-image.sh
  for installer in install-claude-code install-sidecar install-test-image install-agent-image; do
    if [ -f "scripts/$installer.sh" ]; then step "$installer"; bash "scripts/$installer.sh"; fi
  done
  # Debian's Chromium for the dashboard tests (Playwright drives it; its own browser download cannot run here).
  step "Chromium (Category=Dashboard)"
  command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
  # Rootless Podman for the Sandbox category's RootlessPodmanTests (after the agent image: it copies it). A failure
  # does not stop the run: those tests run the script again and fail with its reason.
  step "Rootless Podman (user nanoclaw-rootless)"
  bash .ci/setup-rootless.sh || echo "[setup-rootless] failed: RootlessPodmanTests will fail with the reason"
fi

step "Build"
dotnet build NanoClaw.sln -c Debug 2>&1 | tail -3

node_status=0
if [ -f NanoClaw.Shell/WhatsApp/sidecar/package.json ] && [ -d NanoClaw.Shell/WhatsApp/sidecar/node_modules ]; then
  step "WhatsApp sidecar tests (node --test)"
  (cd NanoClaw.Shell/WhatsApp/sidecar && npm test --silent) || node_status=$?
fi

leak_state=$(mktemp)
# This run's own log (a fixed path was shared by concurrent runs, and one run's summary counted another's tests).
test_log=$(mktemp /tmp/nanoclaw-test.XXXXXX.log)
bash scripts/leak-check.sh snapshot "$leak_state"

step "dotnet test"
set +e
dotnet test NanoClaw.sln --no-build -c Debug --logger "console;verbosity=normal" 2>&1 | tee "$test_log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line: "N passed, N failed, N skipped".
awk '/^Total tests:/ {t=1} t && /^ +Passed: [0-9]+$/ {p+=$2} t && /^ +Failed: [0-9]+$/ {f+=$2} t && /^ +Skipped: [0-9]+$/ {s+=$2}
     /^(Passed|Failed)!/ { for (i=1;i<=NF;i++) { v=$(i+1); gsub(",","",v); if ($i=="Failed:") f+=v; if ($i=="Passed:") p+=v; if ($i=="Skipped:") s+=v } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$test_log"

if [ "$status" != 0 ]; then
  # CI shows only the end of the output: repeat each failure (name and message) here.
  step "Failed tests"
  awk '/^  Failed [A-Za-z]/ {print; n=12; next}
       n > 0 && /^  Stack Trace:/ {n=0; next}
       n > 0 {print; n--}' "$test_log" | head -200
fi

step "Leak check: containers and processes the tests left running"
leak_status=0
bash scripts/leak-check.sh check "$leak_state" || leak_status=$?
rm -f "$leak_state"
echo "full test output: $test_log"
[ "$node_status" = 0 ] || { echo "sidecar node tests failed"; exit 1; }
[ "$status" = 0 ] || exit "$status"
exit "$leak_status"
