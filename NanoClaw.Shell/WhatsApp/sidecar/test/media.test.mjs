import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, stat, rm, writeFile, utimes, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MediaStore, storedName, TOO_LARGE, DAILY_LIMIT, NOT_REGISTERED } from '../src/media.mjs';
import { describeMedia, normaliseMessage } from '../src/normalise.mjs';
import { parseCommand } from '../src/protocol.mjs';

const GROUP = '120363025555555555@g.us';
const OTHER = '120363029999999999@g.us';
const ALICE = '15551234567@s.whatsapp.net';
const NOW = Date.parse('2026-01-31T14:32:00Z');

function media(content, id = 'MSG1', chat = GROUP) {
  return { key: { remoteJid: chat, fromMe: false, id, participant: ALICE }, message: content, messageTimestamp: NOW / 1000, pushName: 'Alice' };
}

const bytes = (n, fill = 7) => Buffer.alloc(n, fill);
const streamOf = (buffer) => async () => Readable.from([buffer.subarray(0, Math.ceil(buffer.length / 2)), buffer.subarray(Math.ceil(buffer.length / 2))]);

async function withDir(fn) {
  const dir = await mkdtemp(join(tmpdir(), 'media-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('each media type is described with its kind, MIME, size, caption and original name', () => {
  const cases = [
    [{ imageMessage: { mimetype: 'image/jpeg', fileLength: 1234, caption: 'look' } }, { kind: 'image', mime: 'image/jpeg', size: 1234, caption: 'look' }],
    [{ documentWithCaptionMessage: { message: { documentMessage: { mimetype: 'application/pdf', fileLength: { low: 10, high: 0 }, fileName: 'a.pdf', caption: 'doc' } } } },
      { kind: 'document', mime: 'application/pdf', size: 10, caption: 'doc', fileName: 'a.pdf' }],
    [{ audioMessage: { mimetype: 'audio/ogg; codecs=opus', fileLength: '99', ptt: true } }, { kind: 'voice', mime: 'audio/ogg', size: 99 }],
    [{ audioMessage: { mimetype: 'audio/mpeg', fileLength: 5 } }, { kind: 'audio', mime: 'audio/mpeg', size: 5 }],
    [{ videoMessage: { mimetype: 'video/mp4', fileLength: 5, caption: 'clip' } }, { kind: 'video', mime: 'video/mp4', size: 5, caption: 'clip' }],
    [{ ephemeralMessage: { message: { stickerMessage: { mimetype: 'image/webp' } } } }, { kind: 'sticker', mime: 'image/webp', size: -1 }],
  ];
  for (const [content, expected] of cases) assert.deepEqual(describeMedia(content), expected);
  assert.equal(describeMedia({ conversation: 'hi' }), null);
});

test('a media message without text is kept, with its attachment; a plain empty message is not', () => {
  const attachment = { kind: 'image', mime: 'image/png', size: 3, file: 'MSG1.png' };
  const m = normaliseMessage(media({ imageMessage: { mimetype: 'image/png', fileLength: 3 } }), { attachment });
  assert.equal(m.content, '');
  assert.deepEqual(m.attachments, [attachment]);
  assert.equal(normaliseMessage(media({ extendedTextMessage: { text: '  ' } })), null);
});

test('stored names never take a path from the chat', () => {
  assert.equal(storedName('3EB0ABC', 'application/pdf', '../../etc/passwd'), '3EB0ABC.pdf');
  assert.equal(storedName('3EB0ABC', 'application/x-unknown', 'report.TAR'), '3EB0ABC.tar');
  assert.equal(storedName('3EB0ABC', 'application/x-unknown', 'evil.sh/../x'), '3EB0ABC.bin');
  const hostile = storedName('../../x/y', 'image/jpeg');
  assert.match(hostile, /^[0-9a-f]{32}\.jpg$/);
  assert.equal(hostile, storedName('../../x/y', 'image/jpeg'), 'same id, same name');
});

test('a registered group\'s image is downloaded into its folder, readable but not writable by others', async () => {
  await withDir(async (dir) => {
    const store = new MediaStore({ dir, groups: { [GROUP]: 'family' } }, streamOf(bytes(3000)), () => NOW);
    const a = await store.attachmentOf(media({ imageMessage: { mimetype: 'image/jpeg', fileLength: 3000, caption: 'cat' } }), GROUP);
    assert.deepEqual(a, { kind: 'image', mime: 'image/jpeg', size: 3000, caption: 'cat', file: 'MSG1.jpg' });
    assert.deepEqual(await readFile(join(dir, 'family', 'MSG1.jpg')), bytes(3000));
    assert.equal((await stat(join(dir, 'family'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(dir, 'family', 'MSG1.jpg'))).mode & 0o777, 0o644);
    assert.deepEqual(await readdir(join(dir, 'family')), ['MSG1.jpg'], 'no partial file left');
  });
});

test('unregistered chats are never downloaded; the attachment says why', async () => {
  await withDir(async (dir) => {
    let downloads = 0;
    const store = new MediaStore({ dir, groups: { [GROUP]: 'family' } }, async () => { downloads++; return Readable.from([bytes(1)]); }, () => NOW);
    const a = await store.attachmentOf(media({ imageMessage: { mimetype: 'image/jpeg', fileLength: 1 } }, 'X', OTHER), OTHER);
    assert.deepEqual(a, { kind: 'image', mime: 'image/jpeg', size: 1, file: null, reason: NOT_REGISTERED });
    assert.equal(downloads, 0);
  });
});

test('a file over max_file_mb is recorded as too large, stated or actual size', async () => {
  await withDir(async (dir) => {
    let downloads = 0;
    const big = async () => { downloads++; return Readable.from([bytes(600), bytes(600)]); };
    const store = new MediaStore({ dir, groups: { [GROUP]: 'family' }, maxFileBytes: 1000 }, big, () => NOW);
    const stated = await store.attachmentOf(media({ documentMessage: { mimetype: 'application/pdf', fileLength: 5000, fileName: 'big.pdf' } }), GROUP);
    assert.deepEqual(stated, { kind: 'document', mime: 'application/pdf', size: 5000, fileName: 'big.pdf', file: null, reason: TOO_LARGE });
    assert.equal(downloads, 0, 'a stated size over the limit is not even fetched');
    // The stated size lies: the bytes are counted as they arrive.
    const lying = await store.attachmentOf(media({ documentMessage: { mimetype: 'application/pdf', fileLength: 10 } }, 'M2'), GROUP);
    assert.equal(lying.file, null);
    assert.equal(lying.reason, TOO_LARGE);
    assert.deepEqual(await readdir(join(dir, 'family')), [], 'nothing kept of a refused file');
  });
});

test('the per-group daily budget counts files already there today, not older ones, and each group alone', async () => {
  await withDir(async (dir) => {
    await mkdir(join(dir, 'family'), { recursive: true });
    await writeFile(join(dir, 'family', 'old.jpg'), bytes(900));
    const yesterday = new Date(NOW - 86_400_000);
    await utimes(join(dir, 'family', 'old.jpg'), yesterday, yesterday);
    await writeFile(join(dir, 'family', 'today.jpg'), bytes(500));
    await utimes(join(dir, 'family', 'today.jpg'), new Date(NOW), new Date(NOW));
    const config = { dir, groups: { [GROUP]: 'family', [OTHER]: 'work' }, maxFileBytes: 1000, maxBytesPerGroupPerDay: 1000 };
    const store = new MediaStore(config, streamOf(bytes(400)), () => NOW);
    const image = (id) => media({ imageMessage: { mimetype: 'image/png', fileLength: 400 } }, id);
    assert.equal((await store.attachmentOf(image('A'), GROUP)).file, 'A.png'); // 500 + 400 = 900
    const refused = await store.attachmentOf(image('B'), GROUP); // 900 + 400 > 1000
    assert.equal(refused.file, null);
    assert.equal(refused.reason, DAILY_LIMIT);
    assert.equal((await store.attachmentOf(media({ imageMessage: { mimetype: 'image/png', fileLength: 400 } }, 'C', OTHER), OTHER)).file, 'C.png');
  });
});

test('a failed download is an attachment with the reason, never an exception', async () => {
  await withDir(async (dir) => {
    const store = new MediaStore({ dir, groups: { [GROUP]: 'family' } }, async () => { throw new Error('media expired'); }, () => NOW);
    const a = await store.attachmentOf(media({ audioMessage: { mimetype: 'audio/ogg', fileLength: 10, ptt: true } }), GROUP);
    assert.deepEqual(a, { kind: 'voice', mime: 'audio/ogg', size: 10, file: null, reason: 'download failed: media expired' });
    assert.deepEqual(await readdir(join(dir, 'family')), []);
  });
});

test('a reused message id never replaces the file already stored', async () => {
  await withDir(async (dir) => {
    let fill = 1;
    const store = new MediaStore({ dir, groups: { [GROUP]: 'family' } }, async () => Readable.from([bytes(5, fill++)]), () => NOW);
    const image = media({ imageMessage: { mimetype: 'image/png', fileLength: 5 } }, 'SAME');
    assert.equal((await store.attachmentOf(image, GROUP)).file, 'SAME.png');
    assert.equal((await store.attachmentOf(image, GROUP)).file, 'SAME-1.png');
    assert.deepEqual(await readFile(join(dir, 'family', 'SAME.png')), bytes(5, 1));
  });
});

test('folders that are not plain names are never used', async () => {
  await withDir(async (dir) => {
    const store = new MediaStore({ dir, groups: { [GROUP]: '../escape' } }, streamOf(bytes(1)), () => NOW);
    const a = await store.attachmentOf(media({ imageMessage: { mimetype: 'image/png', fileLength: 1 } }), GROUP);
    assert.equal(a.file, null);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('the media command is validated', () => {
  assert.equal(parseCommand(JSON.stringify({ type: 'media', dir: '/d', groups: { [GROUP]: 'family' }, maxFileBytes: 5 })).ok, true);
  assert.equal(parseCommand(JSON.stringify({ type: 'media', dir: '/d', groups: [] })).ok, false);
  assert.equal(parseCommand(JSON.stringify({ type: 'media', dir: '/d', groups: {}, maxFileBytes: -1 })).ok, false);
});
