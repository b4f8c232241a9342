// Prints the side-by-side table from run.sh's JSON lines: per row, each side's median CPU time per operation over
// the repetitions, and the v1 / C# ratio of every repetition (above 1: C# is faster). Rows where C# loses in any
// repetition are marked LOSES.
import fs from 'node:fs';

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const rows = [...new Set(lines.map((l) => l.row))];
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(1)} ns`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log('| workload | v1 (CPU/op) | C# (CPU/op) | ratio per repetition | |');
console.log('|---|---|---|---|---|');
for (const row of rows) {
  const of = (side) => lines.filter((l) => l.row === row && l.side === side);
  const v1 = of('v1');
  const cs = of('csharp');
  const ratios = v1.map((a) => { const b = cs.find((c) => c.rep === a.rep); return b ? a.cpu_ns / b.cpu_ns : NaN; });
  console.log(`| ${row} | ${fmt(median(v1.map((l) => l.cpu_ns)))} | ${fmt(median(cs.map((l) => l.cpu_ns)))} | ${ratios.map((r) => r.toFixed(2)).join(', ')} | ${ratios.some((r) => !(r >= 1)) ? 'LOSES' : ''} |`);
}
