#!/usr/bin/env bash
# Headless Chromium helper for the browser skill: text | html | shot | pdf <url> [output]
set -euo pipefail
mode=${1:-}; url=${2:-}; out=${3:-}
[ -n "$mode" ] && [ -n "$url" ] || { echo "usage: browse.sh text|html|shot|pdf <url> [output]" >&2; exit 2; }
chrome=${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || true)}
[ -x "$chrome" ] || { echo "Chromium is not installed in this image (built with WITH_CHROMIUM=0?)" >&2; exit 1; }
# The container is the sandbox (no user namespaces inside it), so Chromium's own sandbox is off.
flags=(--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
       --window-size=1280,900 --virtual-time-budget=10000 --timeout=30000)
case "$mode" in
  html) timeout 60 "$chrome" "${flags[@]}" --dump-dom "$url" 2>/dev/null ;;
  text) timeout 60 "$chrome" "${flags[@]}" --dump-dom "$url" 2>/dev/null \
          | sed -e 's/<script[^>]*>.*<\/script>//g' -e 's/<style[^>]*>.*<\/style>//g' -e 's/<[^>]*>/ /g' \
          | tr -s ' \t' ' ' | sed -e 's/^ //' | grep -v '^\s*$' ;;
  shot) timeout 60 "$chrome" "${flags[@]}" --screenshot="${out:-screenshot.png}" "$url" 2>/dev/null
        echo "saved ${out:-screenshot.png}" ;;
  pdf)  timeout 60 "$chrome" "${flags[@]}" --print-to-pdf="${out:-page.pdf}" --no-pdf-header-footer "$url" 2>/dev/null
        echo "saved ${out:-page.pdf}" ;;
  *) echo "unknown mode '$mode' (text, html, shot, pdf)" >&2; exit 2 ;;
esac
