import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileContent } from '../src/outbound.mjs';
import { parseCommand } from '../src/protocol.mjs';

const bytes = Buffer.from('%PDF-1.4 hello');

test('each kind maps to its Baileys content key with the bytes and MIME type', () => {
  assert.deepEqual(fileContent({ kind: 'image', mimetype: 'image/png', caption: 'look' }, bytes), { image: bytes, mimetype: 'image/png', caption: 'look' });
  assert.deepEqual(fileContent({ kind: 'video', mimetype: 'video/mp4' }, bytes), { video: bytes, mimetype: 'video/mp4' });
  assert.deepEqual(fileContent({ kind: 'audio', mimetype: 'audio/ogg', caption: 'ignored' }, bytes), { audio: bytes, mimetype: 'audio/ogg' });
  assert.deepEqual(fileContent({ kind: 'document', mimetype: 'application/pdf', fileName: 'r.pdf', caption: 'the report' }, bytes),
    { document: bytes, mimetype: 'application/pdf', fileName: 'r.pdf', caption: 'the report' });
  assert.equal(fileContent({ kind: 'document', mimetype: 'application/pdf' }, bytes).fileName, 'file');
});

test('send_file commands are validated: kind, path and id required', () => {
  const ok = parseCommand(JSON.stringify({ type: 'send_file', id: '7', jid: 'x@g.us', path: '/p', mimetype: 'application/pdf', kind: 'document', fileName: 'r.pdf' }));
  assert.equal(ok.ok, true);
  const badKind = parseCommand(JSON.stringify({ type: 'send_file', id: '7', jid: 'x@g.us', path: '/p', mimetype: 'application/pdf', kind: 'sticker' }));
  assert.deepEqual([badKind.ok, badKind.id], [false, '7']);
  assert.match(badKind.error, /kind/);
  const noPath = parseCommand(JSON.stringify({ type: 'send_file', id: '8', jid: 'x@g.us', mimetype: 'image/png', kind: 'image' }));
  assert.match(noPath.error, /path/);
  const badCaption = parseCommand(JSON.stringify({ type: 'send_file', id: '9', jid: 'x@g.us', path: '/p', mimetype: 'image/png', kind: 'image', caption: 3 }));
  assert.match(badCaption.error, /caption/);
});
