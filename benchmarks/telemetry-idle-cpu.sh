#!/usr/bin/env bash
# Idle CPU of the daemon with metrics export on and off (issue 19), interleaved: off, on, off, on, … Each daemon runs
# with local chat only and the fake runtime, settles for SETTLE s, then utime+stime from /proc/<pid>/stat are read
# over WINDOW s. "on" exports every INTERVAL_MS to a loopback OTLP/HTTP sink (python, answers 200, counts POSTs).
# Usage: bash benchmarks/telemetry-idle-cpu.sh [ROUNDS=2] [WINDOW=60] [INTERVAL_MS=10000]
set -euo pipefail
ROUNDS="${1:-2}"; WINDOW="${2:-60}"; INTERVAL_MS="${3:-10000}"; SETTLE="${SETTLE:-5}"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
DLL="${NANOCLAW_DLL:-$REPO/NanoClaw.Shell/bin/Debug/net10.0/nanoclaw.dll}"
TICKS="$(getconf CLK_TCK)"
WORK="$(mktemp -d /tmp/nanoclaw-idlecpu-XXXXXX)"
SINK_PID=""; DAEMON_PID=""
cleanup() {
  [[ -n "$DAEMON_PID" ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null || true
  [[ -n "$SINK_PID" ]] && kill "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/sink.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    count = 0
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        H.count += 1
        open(sys.argv[2], "w").write(str(H.count))
        self.send_response(200); self.send_header("content-type", "application/x-protobuf"); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
PORT=$((20000 + RANDOM % 20000))
python3 "$WORK/sink.py" "$PORT" "$WORK/posts" & SINK_PID=$!

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() { # measure on|off ROUND
  local mode="$1" root="$WORK/$1-$2"
  mkdir -p "$root"
  {
    printf 'channels:\n  whatsapp: false\n  local_chat: true\ncontainer:\n  runtime: podman\n  credential_proxy: false\ntimezone: UTC\n'
    [[ "$mode" == on ]] && printf 'telemetry:\n  otlp_endpoint: http://127.0.0.1:%s\n  export_interval_ms: %s\n' "$PORT" "$INTERVAL_MS"
  } >"$root/config.yml"
  echo 'anthropic_api_key: sk-ant-placeholder' >"$root/credentials.yml"
  (cd "$root" && HOME="$root" NANOCLAW_CONTAINER_EXECUTABLE="$REPO/benchmarks/fake-runtime/fake-runtime" \
     FAKE_RUNTIME_STATE="$root/fake" exec dotnet "$DLL" run >"$root/out.log" 2>&1) & DAEMON_PID=$!
  for _ in $(seq 1 300); do [[ -S "$root/data/chat.sock" ]] && break; sleep 0.1; done
  sleep "$SETTLE"
  local before after posts_before posts_after
  posts_before="$(cat "$WORK/posts" 2>/dev/null || echo 0)"
  before="$(cpu_ticks "$DAEMON_PID")"
  sleep "$WINDOW"
  after="$(cpu_ticks "$DAEMON_PID")"
  posts_after="$(cat "$WORK/posts" 2>/dev/null || echo 0)"
  kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=""
  awk -v m="$mode" -v r="$2" -v d="$((after - before))" -v t="$TICKS" -v w="$WINDOW" -v p="$((posts_after - posts_before))" \
    'BEGIN { printf "%s round %s: %.3f %% CPU (%d ticks in %d s), %d exports\n", m, r, 100 * d / t / w, d, w, p }'
}

for r in $(seq 1 "$ROUNDS"); do
  measure off "$r"
  measure on "$r"
done
