import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseMessage,
  chatOf,
  extractText,
  translateJid,
  toIsoTimestamp,
} from '../src/normalise.mjs';

// Baileys-shaped WAMessage objects, as messages.upsert delivers them.
const GROUP = '120363025555555555@g.us';
const ALICE = '15551234567@s.whatsapp.net';
const SECONDS = 1769869920; // 2026-01-31T14:32:00Z

function inGroup(message, extra = {}) {
  return {
    key: { remoteJid: GROUP, fromMe: false, id: 'MSG1', participant: ALICE, ...extra.key },
    message,
    messageTimestamp: SECONDS,
    pushName: 'Alice',
    ...extra.rest,
  };
}

test('plain conversation text', () => {
  const m = normaliseMessage(inGroup({ conversation: 'hello @Andy' }));
  assert.deepEqual(m, {
    id: 'MSG1',
    chatJid: GROUP,
    sender: ALICE,
    senderName: 'Alice',
    content: 'hello @Andy',
    timestamp: '2026-01-31T14:32:00.000Z',
    isFromMe: false,
  });
});

test('extended text (links, mentions) is read from extendedTextMessage.text', () => {
  const m = normaliseMessage(inGroup({ extendedTextMessage: { text: 'see https://example.org' } }));
  assert.equal(m.content, 'see https://example.org');
  assert.equal(m.replyTo, undefined);
});

test('image and video captions are the text', () => {
  const image = normaliseMessage(inGroup({ imageMessage: { caption: 'a cat', mimetype: 'image/jpeg' } }));
  const video = normaliseMessage(inGroup({ videoMessage: { caption: 'a dog', mimetype: 'video/mp4' } }));
  assert.equal(image.content, 'a cat');
  assert.equal(video.content, 'a dog');
});

test('an image without a caption has no text but is kept for its attachment', () => {
  const m = normaliseMessage(inGroup({ imageMessage: { mimetype: 'image/jpeg' } }));
  assert.equal(m.content, '');
  assert.deepEqual(m.attachments, [{ kind: 'image', mime: 'image/jpeg', size: -1 }]);
});

test('ephemeral (disappearing) wrapper is unwrapped', () => {
  const m = normaliseMessage(inGroup({ ephemeralMessage: { message: { extendedTextMessage: { text: 'vanishing' } } } }));
  assert.equal(m.content, 'vanishing');
});

test('view-once wrappers (v1, v2, v2 extension) are unwrapped, also when nested in ephemeral', () => {
  for (const wrapper of ['viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension']) {
    const m = normaliseMessage(inGroup({ [wrapper]: { message: { imageMessage: { caption: `once ${wrapper}` } } } }));
    assert.equal(m.content, `once ${wrapper}`);
  }
  const nested = normaliseMessage(
    inGroup({ ephemeralMessage: { message: { viewOnceMessageV2: { message: { videoMessage: { caption: 'deep' } } } } } }),
  );
  assert.equal(nested.content, 'deep');
});

test('document with caption wrapper is unwrapped', () => {
  const m = normaliseMessage(
    inGroup({ documentWithCaptionMessage: { message: { documentMessage: { caption: 'the report', fileName: 'r.pdf' } } } }),
  );
  assert.equal(m.content, 'the report');
});

test('an edit yields the edited text, both as editedMessage wrapper and as a bare protocol message', () => {
  const edit = {
    protocolMessage: { type: 14, key: { id: 'ORIGINAL', remoteJid: GROUP }, editedMessage: { conversation: 'fixed typo' } },
  };
  const wrapped = normaliseMessage(inGroup({ editedMessage: { message: edit } }, { key: { id: 'EDIT1' } }));
  const bare = normaliseMessage(inGroup(edit, { key: { id: 'EDIT2' } }));
  assert.equal(wrapped.content, 'fixed typo');
  assert.equal(wrapped.id, 'EDIT1');
  assert.equal(bare.content, 'fixed typo');
});

test('status broadcast is ignored entirely (no message, no chat metadata)', () => {
  const status = {
    key: { remoteJid: 'status@broadcast', fromMe: false, id: 'S1', participant: ALICE },
    message: { conversation: 'my status' },
    messageTimestamp: SECONDS,
  };
  assert.equal(normaliseMessage(status), null);
  assert.equal(chatOf(status), null);
});

test('empty and protocol-only messages are skipped, but still count as chat activity', () => {
  const revoke = inGroup({ protocolMessage: { type: 0, key: { id: 'X' } } });
  assert.equal(normaliseMessage(revoke), null);
  assert.equal(normaliseMessage(inGroup({ conversation: '   ' })), null);
  assert.equal(normaliseMessage(inGroup(null)), null);
  assert.equal(normaliseMessage(inGroup({})), null);
  assert.deepEqual(chatOf(revoke), { jid: GROUP, isGroup: true, timestamp: '2026-01-31T14:32:00.000Z' });
});

test('a LID chat id (and LID sender) is translated to the phone JID through the LID map', () => {
  const lidMap = { '98765432109876': '15557654321@s.whatsapp.net' };
  const raw = {
    key: { remoteJid: '98765432109876@lid', fromMe: false, id: 'L1' },
    message: { conversation: 'hi from a lid' },
    messageTimestamp: SECONDS,
    pushName: 'Bob',
  };
  const m = normaliseMessage(raw, { lidMap });
  assert.equal(m.chatJid, '15557654321@s.whatsapp.net');
  assert.equal(m.sender, '15557654321@s.whatsapp.net');
  assert.deepEqual(chatOf(raw, { lidMap }), { jid: '15557654321@s.whatsapp.net', isGroup: false, timestamp: '2026-01-31T14:32:00.000Z' });
  // Device suffixes on the LID do not matter; unknown LIDs are kept as they are.
  assert.equal(translateJid('98765432109876:3@lid', new Map(Object.entries(lidMap))), '15557654321@s.whatsapp.net');
  assert.equal(translateJid('111@lid', lidMap), '111@lid');
  assert.equal(translateJid(GROUP, lidMap), GROUP);
});

test('a reply carries the quoted id, quoted text and quoted sender', () => {
  const m = normaliseMessage(
    inGroup({
      extendedTextMessage: {
        text: 'yes, that one',
        contextInfo: {
          stanzaId: 'QUOTED1',
          participant: '15550001111@s.whatsapp.net',
          quotedMessage: { ephemeralMessage: { message: { conversation: 'which one?' } } },
        },
      },
    }),
  );
  assert.equal(m.content, 'yes, that one');
  assert.deepEqual(m.replyTo, { id: 'QUOTED1', content: 'which one?', senderName: '15550001111' });
});

test('a reply to media without text carries only the id and sender', () => {
  const m = normaliseMessage(
    inGroup({
      imageMessage: { caption: 'and this', contextInfo: { stanzaId: 'Q2', participant: ALICE, quotedMessage: { imageMessage: {} } } },
    }),
  );
  assert.deepEqual(m.replyTo, { id: 'Q2', senderName: '15551234567' });
});

test('own messages are flagged and attributed to the own JID when it is known', () => {
  const raw = {
    key: { remoteJid: GROUP, fromMe: true, id: 'ME1' },
    message: { conversation: 'Andy: done' },
    messageTimestamp: SECONDS,
  };
  const m = normaliseMessage(raw, { ownJid: '15559990000@s.whatsapp.net' });
  assert.equal(m.isFromMe, true);
  assert.equal(m.sender, '15559990000@s.whatsapp.net');
  assert.equal(m.senderName, '15559990000');
});

test('timestamps: Long objects, numeric strings and the fallback clock all give ISO with ms and Z', () => {
  assert.equal(toIsoTimestamp({ low: SECONDS, high: 0, unsigned: true }, 0), '2026-01-31T14:32:00.000Z');
  assert.equal(toIsoTimestamp({ toNumber: () => SECONDS }, 0), '2026-01-31T14:32:00.000Z');
  assert.equal(toIsoTimestamp(String(SECONDS), 0), '2026-01-31T14:32:00.000Z');
  assert.equal(toIsoTimestamp(undefined, Date.UTC(2026, 0, 2, 3, 4, 5, 6)), '2026-01-02T03:04:05.006Z');
});

test('extractText tolerates missing content', () => {
  assert.equal(extractText(undefined), '');
  assert.equal(extractText({ reactionMessage: { text: '👍' } }), '');
});
