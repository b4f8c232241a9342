// The NanoClaw v1 half of the side-by-side comparison. It imports v1's own modules from a v1 checkout (V1_DIR, run
// through v1's tsx) and runs the same workloads as `NanoClaw.Benchmarks side-by-side` (same seeds and sizes; the queue
// script is read from the file the C# half dumps), timed the same way: warm-up batches for one second and 300 ms of CPU, eleven
// measured ones, a batch repeats the operation until 50 ms have passed and 20 ms of CPU were used; prints per operation in ns the median and best batch of the
// process CPU time (user + system) and the median wall time.
// Usage: V1_DIR=/path/to/v1 QUEUE_SCRIPT=script.json $V1_DIR/node_modules/.bin/tsx v1-half.mjs [ROW]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const v1 = process.env.V1_DIR;
if (!v1) throw new Error('set V1_DIR to a checkout of NanoClaw v1 with its node_modules installed');
const only = process.argv[2] ?? '';
const src = (file) => pathToFileURL(path.join(v1, 'src', file)).href;

// v1 keeps its database in <cwd>/store/messages.db and reads .env from cwd: run in a scratch directory.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-v1-sbs-'));
process.chdir(work);
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
// v1 logs retries at info and exhausted retries at error; the C# core logs nothing here, so neither side formats logs.
process.env.LOG_LEVEL = 'fatal';
process.env.ASSISTANT_NAME = 'Andy';

// v1 opens SQLite with its defaults (rollback journal, synchronous=FULL); the row compares both sides on
// WAL + synchronous=NORMAL (the C# daemon's settings), so every v1 connection gets those two pragmas first.
const { default: Database } = await import(pathToFileURL(path.join(v1, 'node_modules/better-sqlite3/lib/index.js')).href);
const exec = Database.prototype.exec;
const tuned = new WeakSet();
Database.prototype.exec = function (sql) {
  if (!tuned.has(this)) {
    tuned.add(this);
    this.pragma('journal_mode = WAL');
    this.pragma('synchronous = NORMAL');
  }
  return exec.call(this, sql);
};

const db = await import(src('db.ts'));
const router = await import(src('router.ts'));
const config = await import(src('config.ts'));
const { GroupQueue } = await import(src('group-queue.ts'));

const START = Date.UTC(2026, 0, 31, 14, 0, 0);
const iso = (second) => new Date(START + second * 1000).toISOString();
const chat = (c) => `g${c}@g.us`;
const CHATS = 50;
const PER_CHAT = 400;

// BenchData.Message: sender "<name>@s.whatsapp.net", not from me, not a bot message.
function message(chatJid, second, content, sender = 'Alice', id = `m${second}`, reply) {
  return {
    id, chat_jid: chatJid, sender: `${sender}@s.whatsapp.net`, sender_name: sender, content, timestamp: iso(second),
    is_from_me: false, is_bot_message: false,
    reply_to_message_id: reply?.id, reply_to_message_content: reply?.content, reply_to_sender_name: reply?.sender,
  };
}

// BenchData.Batch(chat, 20).
function batch(chatJid, count) {
  const out = [];
  for (let i = 1; i <= count; i++)
    out.push(message(chatJid, i,
      i % 5 === 0 ? `@Andy can you check <this> & "that" (${i})?` : `message number ${i}: lunch at 12, see you there`,
      i % 2 === 0 ? 'Bob' : 'Alice', `m${i}`,
      i === count ? { id: `m${i - 1}`, content: 'previous text', sender: 'Bob' } : undefined));
  return out;
}

/** A fresh v1 database file, seeded with 50 × 400 messages (seed(c, i) gives each one), chats first. */
function openStore(seed) {
  try { db._closeDatabase(); } catch { /* none open yet */ }
  fs.rmSync(path.join(work, 'store'), { recursive: true, force: true });
  db.initDatabase();
  for (let c = 0; c < CHATS; c++) db.storeChatMetadata(chat(c), iso(0), chat(c), 'whatsapp', true);
  for (let c = 0; c < CHATS; c++) for (let i = 0; i < PER_CHAT; i++) db.storeMessage(seed(c, i));
}

function expect(actual, expected) {
  if (actual !== expected) throw new Error(`setup: expected ${expected} rows, got ${actual}`);
}

const ticks = async () => { for (let i = 0; i < 4; i++) await null; };

/**
 * Drives v1's GroupQueue with the C# script's events: a container "runs" until its exit event resolves the promise v1
 * awaits (true on success, false on failure: v1 then schedules a retry). setTimeout is replaced while the queue runs so
 * retry timers are recorded, not armed (the C# core only emits a ScheduleRetry command). Returns how many containers started.
 */
async function runQueue(events, drain) {
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = () => ++timers;
  try {
    const queue = new GroupQueue();
    const running = new Map();
    let starts = 0;
    const run = (group) => new Promise((resolve) => { starts++; running.set(group, resolve); });
    queue.setProcessMessagesFn(run);
    for (const [kind, group, extra] of events) {
      if (kind === 'm') queue.enqueueMessageCheck(group);
      else if (kind === 't') queue.enqueueTask(group, extra, () => run(group));
      else if (kind === 'i') queue.notifyIdle(group);
      else if (kind === 'x') {
        const resolve = running.get(group);
        if (resolve) { running.delete(group); resolve(extra === 's'); await ticks(); }
      }
    }
    if (drain)
      while (running.size > 0) {
        const [group, resolve] = running.entries().next().value;
        running.delete(group);
        resolve(true);
        await ticks();
      }
    return starts + timers;
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}

const script = JSON.parse(fs.readFileSync(process.env.QUEUE_SCRIPT, 'utf8'));
const burst = script.filter(([kind]) => kind === 'm' || kind === 't');

const rows = [
  ['format', () => { const b = batch('team@g.us', 20); return () => router.formatMessages(b, 'America/New_York').length; }],
  ['trigger', () => { const p = config.getTriggerPattern('@Andy'); return () => (p.test('@Andy what is on today?'.trim()) ? 1 : 0); }],
  ['store', () => {
    openStore((c, i) => message(chat(c), c * PER_CHAT + i, `message ${i} of chat ${c}: lunch at 12?`, 'Alice', `seed-${c}-${i}`));
    let n = 0;
    return () => { n++; db.storeMessage(message(chat(n % CHATS), CHATS * PER_CHAT + n, '@Andy what is on today?', 'Alice', `new-${n}`)); return n; };
  }],
  ['batch', () => {
    openStore((c, i) => message(chat(c), c * PER_CHAT + i, `message ${i} of chat ${c}: lunch at 12?`, 'Alice', `seed-${c}-${i}`));
    const cursor = iso(7 * PER_CHAT + PER_CHAT - 21);
    expect(db.getMessagesSince(chat(7), cursor, 'Andy').length, 20);
    return () => db.getMessagesSince(chat(7), cursor, 'Andy').length;
  }],
  ...[['poll100', 101, 100], ['pollidle', 1, 0]].map(([row, offset, expected]) => [row, () => {
    openStore((c, i) => { const k = i * CHATS + c; return message(chat(k % CHATS), k, `message ${k}: lunch at 12?`, 'Alice', `seed-${k}`); });
    const jids = Array.from({ length: CHATS }, (_, c) => chat(c));
    const cursor = iso(CHATS * PER_CHAT - offset);
    expect(db.getNewMessages(jids, cursor, 'Andy').messages.length, expected);
    return () => db.getNewMessages(jids, cursor, 'Andy').messages.length;
  }]),
  ['queuescript', () => () => runQueue(script, false)],
  ['queueburst', () => () => runQueue(burst, true)],
];

const cpuNow = () => { const u = process.cpuUsage(); return u.user + u.system; };

for (const [row, setup] of rows) {
  if (only && !row.includes(only)) continue;
  const op = setup();
  const cpu = [];
  const wall = [];
  let sink = 0;
  const warmUntil = process.hrtime.bigint() + 1_000_000_000n;
  const warmCpuUntil = cpuNow() + 300_000;
  while (cpu.length < 11) {
    const warm = process.hrtime.bigint() < warmUntil || cpuNow() < warmCpuUntil;
    let ops = 0;
    const cpuStart = cpuNow();
    const start = process.hrtime.bigint();
    let now;
    do {
      do {
        const r = op();
        sink += typeof r === 'number' ? r : await r;
        ops++;
        now = process.hrtime.bigint();
      } while (now - start < 50_000_000n);
    } while (cpuNow() - cpuStart < 20_000);
    if (warm) continue;
    cpu.push(((cpuNow() - cpuStart) * 1e3) / ops);
    wall.push(Number(now - start) / ops);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  console.log(JSON.stringify({ side: 'v1', row, cpu_ns: cpu[cpu.length >> 1], cpu_min_ns: cpu[0], wall_ns: wall[wall.length >> 1], sink }));
}
