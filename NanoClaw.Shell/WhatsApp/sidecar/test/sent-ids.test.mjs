import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SentIds } from '../src/sent-ids.mjs';
import { normaliseMessage } from '../src/normalise.mjs';

const GROUP = '120363025555555555@g.us';
const OWN = '15550009999@s.whatsapp.net';

test('remembers sent ids, bounded: the oldest is forgotten first', () => {
  const ids = new SentIds(3);
  for (const id of ['A', 'B', 'C', 'D']) ids.remember(id);
  assert.equal(ids.size, 3);
  assert.equal(ids.has('A'), false);
  for (const id of ['B', 'C', 'D']) assert.equal(ids.has(id), true);
  ids.remember('B'); // used again: now the newest
  ids.remember('E');
  assert.equal(ids.has('C'), false);
  assert.equal(ids.has('B'), true);
});

test('ignores missing ids', () => {
  const ids = new SentIds();
  ids.remember(undefined);
  ids.remember('');
  assert.equal(ids.size, 0);
  assert.equal(ids.has(undefined), false);
});

function documentEcho(fromMe) {
  return {
    key: { remoteJid: GROUP, fromMe, id: 'SENT1', participant: fromMe ? undefined : '15551234567@s.whatsapp.net' },
    message: { documentMessage: { mimetype: 'application/pdf', fileName: 'report.pdf', fileLength: 10 } },
    messageTimestamp: 1769869920,
  };
}

test('the echo of a file the assistant sent is marked sentByAssistant', () => {
  const m = normaliseMessage(documentEcho(true), { ownJid: OWN, sentByAssistant: true });
  assert.equal(m.isFromMe, true);
  assert.equal(m.sentByAssistant, true);
  assert.equal(m.content, '');
});

test('an own message not sent by the assistant, or someone else\'s with a sent id, is not marked', () => {
  assert.equal('sentByAssistant' in normaliseMessage(documentEcho(true), { ownJid: OWN }), false);
  assert.equal('sentByAssistant' in normaliseMessage(documentEcho(false), { ownJid: OWN, sentByAssistant: true }), false);
});
