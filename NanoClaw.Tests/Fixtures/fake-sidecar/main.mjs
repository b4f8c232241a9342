// A stand-in for the WhatsApp sidecar that speaks the same protocol (NanoClaw.Shell/WhatsApp/sidecar/PROTOCOL.md)
// without WhatsApp. Tests script it through the directory named by NANOCLAW_SIDECAR_FAKE_DIR (a NANOCLAW_SIDECAR_*
// variable, so the daemon passes it on; it starts the sidecar with a cleared environment):
//   flag files   not-linked   connect answers "close not_linked" (loggedOut)
//                offline      connect answers "connecting" then "close connectionLost"
//                fail-sends   every send is answered ok:false
//                linked       written by the fake when a link-mode connect "was scanned"
//                revoked      the next connect is refused as logged out, and the device counts as unlinked
//                crash-on-send  the next send kills the fake before it answers (the flag is then removed)
//   control/*.json           one instruction per file, run in name order, then deleted:
//                {"do":"emit","event":{...}}             write that event line
//                {"do":"close","reason":"…","loggedOut":b} drop the connection
//                {"do":"crash","code":n}                   exit at once with code n
//                {"do":"upsert","raw":{WAMessage},"bytesFile":"…"|"failDownload":"…"}
//                                                          a Baileys message arrives: the real sidecar's MediaStore
//                                                          (limits, names, modes) and normaliseMessage handle it, the
//                                                          "download" reading bytesFile (or failing with that text)
//   records      media.jsonl (every media command), starts.log (one pid per start), connects.log, sent.jsonl ({id,jid,text} per confirmed send),
//                files.jsonl ({id,jid,kind,mimetype,fileName,caption,base64} per confirmed send_file: the bytes it read),
//                attempts.jsonl (every send received), typing.jsonl, syncs.log
//   groups.json  the list answered to sync_groups ([{jid,name}])
//   env.json     the environment the fake was started with (written at start)

import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
// The real sidecar's media handling and normalisation (neither imports Baileys).
import { MediaStore } from '../../../NanoClaw.Shell/WhatsApp/sidecar/src/media.mjs';
import { normaliseMessage, chatOf } from '../../../NanoClaw.Shell/WhatsApp/sidecar/src/normalise.mjs';

const dir = process.env.NANOCLAW_SIDECAR_FAKE_DIR ?? process.env.NANOCLAW_FAKE_DIR;
if (!dir) {
  process.stderr.write('fake sidecar: NANOCLAW_SIDECAR_FAKE_DIR is not set\n');
  process.exit(2);
}
const controlDir = join(dir, 'control');
mkdirSync(controlDir, { recursive: true });
// The environment it was started with, so tests can check what the daemon hands the sidecar.
writeFileSync(join(dir, 'env.json'), JSON.stringify(process.env));

const OWN = '15550009999@s.whatsapp.net';
let state = 'idle';

const flag = (name) => existsSync(join(dir, name));
const record = (file, value) => appendFileSync(join(dir, file), `${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const emit = (type, fields = {}) => process.stdout.write(`${JSON.stringify({ type, ...fields })}\n`);

function connect(command) {
  record('connects.log', JSON.stringify({ authDir: command.authDir, link: command.link ?? false, phone: command.phone }));
  const linked = !flag('not-linked') || flag('linked');
  if (!linked && command.link) {
    // Link mode: show a code, then "the phone scans it": WhatsApp closes with restartRequired and the next connect opens.
    emit('auth_state', { linked: false });
    emit('connection', { state: 'connecting' });
    if (command.phone) emit('pairing_code', { code: `PAIR-${command.phone.slice(-4)}` });
    else emit('qr', { code: 'fake-qr-payload,for-the-terminal' });
    setTimeout(() => {
      record('linked', 'yes');
      emit('connection', { state: 'close', reason: 'restartRequired', statusCode: 515, loggedOut: false });
    }, 100);
    return;
  }
  if (!linked) {
    emit('auth_state', { linked: false });
    emit('connection', { state: 'close', reason: 'not_linked', loggedOut: true });
    return;
  }
  if (flag('revoked')) {
    // The saved link was removed on the phone: this connect is refused, the device is unlinked from now on.
    rmSync(join(dir, 'revoked'));
    rmSync(join(dir, 'linked'), { force: true });
    record('not-linked', '');
    emit('auth_state', { linked: true, me: OWN });
    emit('connection', { state: 'close', reason: 'loggedOut', statusCode: 401, loggedOut: true });
    return;
  }
  emit('auth_state', { linked: true, me: OWN });
  emit('connection', { state: 'connecting' });
  if (flag('offline')) {
    state = 'closed';
    emit('connection', { state: 'close', reason: 'connectionLost', statusCode: 408, loggedOut: false });
    return;
  }
  state = 'open';
  emit('own_ids', { phoneJid: OWN, lid: '98765@lid' });
  emit('connection', { state: 'open' });
}

function send(command) {
  record('attempts.jsonl', { id: command.id, jid: command.jid, text: command.text });
  if (flag('crash-on-send')) {
    // Dies holding the message, as a sidecar killed mid-send would; the next run behaves.
    rmSync(join(dir, 'crash-on-send'));
    process.exit(3);
  }
  if (state !== 'open') return emit('send_result', { id: command.id, ok: false, error: 'not connected' });
  if (flag('fail-sends')) return emit('send_result', { id: command.id, ok: false, error: 'simulated failure' });
  record('sent.jsonl', { id: command.id, jid: command.jid, text: command.text });
  emit('send_result', { id: command.id, ok: true, messageId: `FAKE${command.id}` });
}

const downloads = new Map(); // message id → {bytesFile} | {failDownload}
const media = new MediaStore({}, async (raw) => {
  const how = downloads.get(raw.key.id) ?? {};
  if (how.failDownload) throw new Error(how.failDownload);
  return createReadStream(how.bytesFile);
});

// Baileys messages are handled one after another, as the real sidecar does.
let inbound = Promise.resolve();
function upsert(instruction) {
  inbound = inbound.then(async () => {
    const raw = instruction.raw;
    downloads.set(raw.key.id, instruction);
    const chat = chatOf(raw, { nowMs: Date.now() });
    if (!chat) return;
    emit('chat', chat);
    const attachment = await media.attachmentOf(raw, chat.jid);
    const message = normaliseMessage(raw, { nowMs: Date.now(), ownJid: OWN, ...(attachment ? { attachment } : {}) });
    if (message) emit('message', { message });
  }).catch((error) => emit('log', { level: 'error', msg: `fake upsert failed: ${error.message}` }));
}

function sendFile(command) {
  record('attempts.jsonl', { id: command.id, jid: command.jid, file: command.path });
  if (state !== 'open') return emit('send_result', { id: command.id, ok: false, error: 'not connected' });
  if (flag('fail-sends')) return emit('send_result', { id: command.id, ok: false, error: 'simulated failure' });
  let bytes;
  try {
    bytes = readFileSync(command.path);
  } catch (error) {
    return emit('send_result', { id: command.id, ok: false, error: `cannot read ${command.path}: ${error.message}` });
  }
  record('files.jsonl', {
    id: command.id, jid: command.jid, kind: command.kind, mimetype: command.mimetype, fileName: command.fileName,
    caption: command.caption, base64: bytes.toString('base64'),
  });
  emit('send_result', { id: command.id, ok: true, messageId: `FAKE${command.id}` });
}

function handle(line) {
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    return emit('error', { msg: 'not JSON' });
  }
  switch (command.type) {
    case 'connect': return connect(command);
    case 'send': return send(command);
    case 'send_file': return sendFile(command);
    case 'typing': return record('typing.jsonl', { jid: command.jid, on: command.on });
    case 'media':
      record('media.jsonl', command);
      return media.configure(command);
    case 'sync_groups': {
      record('syncs.log', String(Date.now()));
      const file = join(dir, 'groups.json');
      return emit('groups', { list: existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [] });
    }
    case 'logout':
      state = 'closed';
      return emit('connection', { state: 'close', reason: 'loggedOut', loggedOut: true });
    case 'shutdown':
      return process.stdout.write('', () => process.exit(0));
    default:
      return emit('error', { msg: `unknown command type ${JSON.stringify(command.type)}` });
  }
}

function pollControl() {
  for (const name of readdirSync(controlDir).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(controlDir, name);
    const instruction = JSON.parse(readFileSync(path, 'utf8'));
    rmSync(path);
    if (instruction.do === 'emit') process.stdout.write(`${JSON.stringify(instruction.event)}\n`);
    if (instruction.do === 'close') {
      state = 'closed';
      emit('connection', { state: 'close', reason: instruction.reason ?? 'connectionLost', loggedOut: Boolean(instruction.loggedOut) });
    }
    if (instruction.do === 'crash') process.exit(instruction.code ?? 1);
    if (instruction.do === 'upsert') upsert(instruction);
  }
}

record('starts.log', String(process.pid));
createInterface({ input: process.stdin }).on('line', (line) => line.trim() && handle(line)).on('close', () => process.exit(0));
setInterval(pollControl, 20);
emit('ready', { protocol: 1, pid: process.pid });
