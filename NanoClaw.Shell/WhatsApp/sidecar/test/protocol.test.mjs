import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, encodeEvent } from '../src/protocol.mjs';

test('every documented command parses', () => {
  const lines = [
    { type: 'connect', authDir: '/tmp/auth' },
    { type: 'connect', authDir: '/tmp/auth', phone: '+1 555 123', link: true },
    { type: 'send', id: '7', jid: '1@g.us', text: 'hi' },
    { type: 'typing', jid: '1@g.us', on: true },
    { type: 'sync_groups' },
    { type: 'logout' },
    { type: 'shutdown' },
  ];
  for (const line of lines) {
    const parsed = parseCommand(JSON.stringify(line));
    assert.equal(parsed.ok, true, JSON.stringify(parsed));
    assert.deepEqual(parsed.command, line);
  }
});

test('bad input is an error naming the problem, never a throw', () => {
  assert.match(parseCommand('{').error, /not JSON/);
  assert.match(parseCommand('[1]').error, /JSON object/);
  assert.match(parseCommand('{"type":"fly"}').error, /unknown command type "fly"/);
  assert.match(parseCommand('{"type":"send","id":"1","jid":"x"}').error, /field "text"/);
  assert.match(parseCommand('{"type":"typing","jid":"x","on":"yes"}').error, /field "on"/);
  assert.match(parseCommand('{"type":"connect","authDir":"a","link":1}').error, /field "link"/);
  // A malformed send still names its id so the host can fail that one message.
  assert.equal(parseCommand('{"type":"send","id":"9","jid":"x"}').id, '9');
});

test('events are one JSON object per line', () => {
  const line = encodeEvent('send_result', { id: '1', ok: true });
  assert.equal(line, '{"type":"send_result","id":"1","ok":true}\n');
  assert.equal(encodeEvent('message', { message: { content: 'a\nb' } }).split('\n').length, 2);
});
