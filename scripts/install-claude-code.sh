#!/usr/bin/env bash
# Installs the pinned Claude Code CLI into <repo>/.tools/claude-code for the RealClaude tests.
# Idempotent: a second run with the right version installed does nothing.
# The tests find it at .tools/claude-code/node_modules/.bin/claude (or $NANOCLAW_CLAUDE_CLI).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${CLAUDE_CODE_VERSION:-2.1.330}"
DIR=".tools/claude-code"
BIN="$DIR/node_modules/.bin/claude"
PKG="$DIR/node_modules/@anthropic-ai/claude-code"

installed_version() { "$BIN" --version 2>/dev/null | awk '{print $1}'; }

if [ -x "$BIN" ] && [ "$(installed_version)" = "$VERSION" ]; then
  echo "Claude Code $VERSION already installed in $DIR"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is required (apt-get install -y nodejs npm)" >&2; exit 1; }

mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"name":"nanoclaw-tools-claude-code","private":true}' > "$DIR/package.json"
echo "Installing @anthropic-ai/claude-code@$VERSION into $DIR ..."
# The package's node engine is >=22; the CLI itself is a native binary, so older Node only warns.
(cd "$DIR" && npm install --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$VERSION")

# npm 11 may skip install scripts, leaving a placeholder instead of the native binary; run it by hand.
if [ "$(installed_version)" != "$VERSION" ] && [ -f "$PKG/install.cjs" ]; then
  echo "Running the package's install script (npm skipped it) ..."
  (cd "$PKG" && node install.cjs)
fi

v="$(installed_version)"
[ "$v" = "$VERSION" ] || { echo "Claude Code install failed: '$BIN --version' gave '$v'" >&2; exit 1; }
echo "Claude Code $v installed: $BIN"
