// The real Session (Baileys loaded) with a stand-in for the socket, which needs WhatsApp: a file sent for send_file
// comes back as its fromMe echo, as Baileys emits it, and is marked sentByAssistant; an own file from the phone is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../src/session.mjs';

const GROUP = '120363025555555555@g.us';
const silent = { level: 'silent', child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

test('the echo of a sent file is marked sentByAssistant, an own file sent from the phone is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-echo-'));
  try {
    const file = join(dir, 'copy');
    writeFileSync(file, '%PDF-1.4\n');
    const events = [];
    const session = new Session((type, fields = {}) => events.push({ type, ...fields }), silent);
    session.sock = { sendMessage: async () => ({ key: { id: '3EB0SENT', remoteJid: GROUP, fromMe: true } }) };
    session.open = true;
    session.ownJid = '15550009999@s.whatsapp.net';

    await session.sendFile({ id: '7', jid: GROUP, path: file, mimetype: 'application/pdf', kind: 'document', fileName: 'r.pdf' });
    assert.deepEqual(events.find((e) => e.type === 'send_result'), { type: 'send_result', id: '7', ok: true, messageId: '3EB0SENT' });

    const echo = (id) => ({
      key: { remoteJid: GROUP, fromMe: true, id },
      message: { documentMessage: { mimetype: 'application/pdf', fileName: 'r.pdf', fileLength: 9 } },
      messageTimestamp: 1769869920,
    });
    await session.onMessages([echo('3EB0SENT'), echo('3EB0PHONE')]);
    const messages = events.filter((e) => e.type === 'message').map((e) => e.message);
    assert.equal(messages.length, 2);
    assert.equal(messages[0].sentByAssistant, true);
    assert.equal('sentByAssistant' in messages[1], false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
