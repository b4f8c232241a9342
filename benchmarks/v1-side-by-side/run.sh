#!/usr/bin/env bash
# Runs NanoClaw v1 and this edition on the same deterministic workloads, alternating, REPS times (default 3), and
# prints the ratio table (v1 / C#: above 1 means C# is faster) from process CPU time per operation.
# Needs V1_DIR: a checkout of NanoClaw v1's last commit with its node_modules (see README.md beside this script).
# Usage: V1_DIR=/path/to/v1 benchmarks/v1-side-by-side/run.sh [ROW]   (ROW: format, trigger, store, batch, poll100,
#        pollidle, queuescript, queueburst; all by default). REPS=3, OUT=file for the raw JSON lines.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${V1_DIR:?set V1_DIR to a NanoClaw v1 checkout with node_modules installed}"
reps="${REPS:-3}"
row="${1:-}"
out="${OUT:-$(mktemp -t nanoclaw-sbs-XXXXXX.jsonl)}"
script="$(mktemp -t nanoclaw-sbs-queue-XXXXXX.json)"
trap 'rm -f "$script"' EXIT

dotnet build "$root/benchmarks/NanoClaw.Benchmarks" -c Release -m:1 -v q -nologo >/dev/null
dll="$(ls "$root"/benchmarks/NanoClaw.Benchmarks/bin/Release/net*/NanoClaw.Benchmarks.dll | head -1)"
dotnet "$dll" side-by-side dump-queue "$script"

csharp() { dotnet "$dll" side-by-side $row; }
v1() { V1_DIR="$V1_DIR" QUEUE_SCRIPT="$script" "$V1_DIR/node_modules/.bin/tsx" "$here/v1-half.mjs" $row; }

: >"$out"
for ((r = 1; r <= reps; r++)); do
  # Alternate which side goes first, so a drift in the machine's load does not favour one side.
  if ((r % 2)); then order=(v1 csharp); else order=(csharp v1); fi
  for side in "${order[@]}"; do
    "$side" | sed "s/^{/{\"rep\":$r,/" >>"$out"
  done
done
echo "raw: $out (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
node "$here/table.mjs" "$out"
