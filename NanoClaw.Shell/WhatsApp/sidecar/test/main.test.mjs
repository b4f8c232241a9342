// Runs the real sidecar process (with Baileys loaded) over stdio. WhatsApp itself is never reached:
// an empty auth folder without link mode must answer "not_linked" at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.mjs');

function run(commands) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { stdio: ['pipe', 'pipe', 'inherit'] });
    const events = [];
    createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, events }));
    for (const command of commands) child.stdin.write(`${typeof command === 'string' ? command : JSON.stringify(command)}\n`);
    child.stdin.end();
  });
}

test('the sidecar speaks the protocol: ready, errors for bad lines, not_linked without auth, clean exit', async () => {
  const authDir = mkdtempSync(join(tmpdir(), 'nanoclaw-sidecar-'));
  try {
    const { code, events } = await run([
      'this is not json',
      { type: 'send', id: '1', jid: '1@g.us' },
      { type: 'send', id: '2', jid: '1@g.us', text: 'hello' },
      { type: 'typing', jid: '1@g.us', on: true },
      { type: 'connect', authDir },
    ]);
    assert.equal(code, 0);
    assert.equal(events[0].type, 'ready');
    assert.equal(events[0].protocol, 1);
    assert.match(events.find((e) => e.type === 'error' && /not JSON/.test(e.msg)).msg, /not JSON/);
    assert.equal(events.find((e) => e.type === 'error' && e.id === '1').id, '1');
    assert.deepEqual(events.find((e) => e.type === 'send_result'), { type: 'send_result', id: '2', ok: false, error: 'not connected' });
    assert.deepEqual(events.find((e) => e.type === 'auth_state'), { type: 'auth_state', linked: false });
    assert.deepEqual(events.at(-1), { type: 'connection', state: 'close', reason: 'not_linked', loggedOut: true });
  } finally {
    rmSync(authDir, { recursive: true, force: true });
  }
});
