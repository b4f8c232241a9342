#!/usr/bin/env bash
# Installs the WhatsApp sidecar's npm packages exactly as the lockfile pins them.
# Needs Node.js 20+ and npm (Debian: apt-get install nodejs npm).
set -euo pipefail
cd "$(dirname "$0")/../NanoClaw.Shell/WhatsApp/sidecar"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-sidecar: node and npm are required (Node.js 20 or newer)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "install-sidecar: Node.js 20 or newer is required, found $(node --version)" >&2
  exit 1
fi
# Install scripts are not needed (protobufjs' postinstall only prints a version check).
npm ci --no-audit --no-fund --ignore-scripts
echo "install-sidecar: WhatsApp sidecar packages installed in $(pwd)/node_modules"
