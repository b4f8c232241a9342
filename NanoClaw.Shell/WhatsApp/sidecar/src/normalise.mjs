// Pure mapping from Baileys message objects (WAMessage) to the sidecar's wire records.
// No Baileys import and no I/O, so the tests need no installed packages and can feed plain objects.

/** Wrappers WhatsApp puts around the real content; each holds `{ message: <content> }`. */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
  'editedMessage',
];

/** Protocol message type of an edit (proto.Message.ProtocolMessage.Type.MESSAGE_EDIT). */
const MESSAGE_EDIT = 14;

/** Wrappers can nest (an edited message inside an ephemeral one); this many levels is plenty. */
const MAX_DEPTH = 8;

/**
 * Strips wrapper layers and turns an edit into the edited content.
 * @param {object|null|undefined} content a proto.IMessage-shaped object
 * @returns {object|undefined} the innermost content
 */
export function unwrap(content) {
  let current = content ?? undefined;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    const wrapper = WRAPPERS.find((key) => current[key]);
    if (wrapper) {
      current = current[wrapper].message ?? undefined;
      continue;
    }
    // An edit arrives as a protocol message carrying the new content.
    const protocol = current.protocolMessage;
    if (protocol && isEdit(protocol) && protocol.editedMessage) {
      current = protocol.editedMessage;
      continue;
    }
    break;
  }
  return current;
}

function isEdit(protocol) {
  return protocol.type === MESSAGE_EDIT || protocol.type === 'MESSAGE_EDIT';
}

/**
 * The text of a content object: the plain conversation text, the extended text, or an
 * image/video (or captioned document) caption. Empty string when there is none.
 */
export function extractText(content) {
  const inner = unwrap(content);
  if (!inner) return '';
  const text =
    inner.conversation ??
    inner.extendedTextMessage?.text ??
    inner.imageMessage?.caption ??
    inner.videoMessage?.caption ??
    inner.documentMessage?.caption ??
    '';
  return typeof text === 'string' ? text : '';
}

/** Content keys of media messages and the attachment kind each one is. */
const MEDIA_KEYS = [
  ['imageMessage', 'image'],
  ['documentMessage', 'document'],
  ['audioMessage', 'audio'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'video'],
  ['stickerMessage', 'sticker'],
];

function nonEmpty(value) {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The attachment a message carries, without its file: `{kind, mime, size, caption?, fileName?}`, or null for
 * a message without media. Voice notes (`ptt`) are kind `voice`. Sizes the message does not state are -1.
 */
export function describeMedia(message) {
  const content = unwrap(message);
  if (!content || typeof content !== 'object') return null;
  for (const [key, kind] of MEDIA_KEYS) {
    const media = content[key];
    if (!media || typeof media !== 'object') continue;
    const size = toNumber(media.fileLength);
    const described = {
      kind: kind === 'audio' && media.ptt ? 'voice' : kind,
      mime: nonEmpty(media.mimetype)?.split(';')[0].trim().toLowerCase() ?? 'application/octet-stream',
      size: Number.isFinite(size) && size >= 0 ? size : -1,
    };
    const caption = nonEmpty(media.caption);
    if (caption) described.caption = caption;
    const fileName = nonEmpty(media.fileName);
    if (fileName) described.fileName = fileName;
    return described;
  }
  return null;
}

/** The user part of a JID without its device suffix: `123:4@lid` → `123`. */
export function jidUser(jid) {
  if (typeof jid !== 'string') return '';
  return jid.split('@')[0].split(':')[0];
}

/**
 * Translates a `…@lid` id to the phone JID the LID map knows; other ids (and unknown LIDs) are
 * returned unchanged.
 * @param {string} jid
 * @param {Record<string,string>|Map<string,string>} lidMap LID user part → phone JID
 */
export function translateJid(jid, lidMap) {
  if (typeof jid !== 'string' || !jid.endsWith('@lid')) return jid;
  const user = jidUser(jid);
  const phone = lidMap instanceof Map ? lidMap.get(user) : lidMap?.[user];
  return phone ?? jid;
}

/** Removes a device suffix: `1555:12@s.whatsapp.net` → `1555@s.whatsapp.net`. */
export function bareJid(jid) {
  if (typeof jid !== 'string' || !jid.includes('@')) return jid;
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}

/**
 * Converts a Baileys messageTimestamp (seconds as a number, a numeric string or a protobuf Long)
 * to `2026-01-31T14:32:00.000Z`. Falls back to `fallbackMs` when missing or unreadable.
 */
export function toIsoTimestamp(timestamp, fallbackMs) {
  const seconds = toNumber(timestamp);
  const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
  return new Date(ms).toISOString();
}

function toNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  if (value && typeof value.toNumber === 'function') return value.toNumber();
  if (value && typeof value.low === 'number') {
    // Long without its prototype (e.g. after a JSON round trip).
    return (value.high >>> 0) * 4294967296 + (value.low >>> 0);
  }
  return NaN;
}

/** True for JIDs the host never sees: status updates and broadcast lists. */
export function isIgnoredChat(jid) {
  return typeof jid !== 'string' || jid === '' || jid === 'status@broadcast' || jid.endsWith('@broadcast');
}

function contextInfoOf(content) {
  if (!content || typeof content !== 'object') return undefined;
  for (const value of Object.values(content)) {
    if (value && typeof value === 'object' && value.contextInfo) return value.contextInfo;
  }
  return undefined;
}

function replyOf(content, lidMap) {
  const context = contextInfoOf(content);
  if (!context?.stanzaId) return undefined;
  const reply = { id: context.stanzaId };
  const quoted = extractText(context.quotedMessage);
  if (quoted) reply.content = quoted;
  if (context.participant) {
    const name = jidUser(translateJid(context.participant, lidMap));
    if (name) reply.senderName = name;
  }
  return reply;
}

/**
 * Chat metadata for any message of a chat the host should know about, text or not.
 * @returns {{jid: string, isGroup: boolean, timestamp: string} | null}
 */
export function chatOf(raw, { lidMap = {}, nowMs = 0 } = {}) {
  const remote = raw?.key?.remoteJid;
  if (isIgnoredChat(remote) || !raw.message) return null;
  const jid = translateJid(remote, lidMap);
  return { jid, isGroup: jid.endsWith('@g.us'), timestamp: toIsoTimestamp(raw.messageTimestamp, nowMs) };
}

/**
 * Maps one Baileys WAMessage to the wire message record, or null when the host should not see it
 * (status broadcasts, protocol-only and empty messages, messages with neither text nor media).
 * @param {object} raw a WAMessage-shaped object
 * @param {{lidMap?: Record<string,string>|Map<string,string>, ownJid?: string, nowMs?: number}} options
 *   lidMap: LID user part → phone JID; ownJid: the linked account's phone JID (sender of own messages);
 *   nowMs: clock reading used when the message has no timestamp; sentByAssistant: the id is one this sidecar
 *   sent for send_file (marked on the record only when fromMe); attachment: the wire attachment (after its
 *   download) to put on the record; without it a media message carries only its description.
 */
export function normaliseMessage(raw, options = {}) {
  const { lidMap = {}, ownJid, nowMs = 0, sentByAssistant = false } = options;
  const key = raw?.key;
  if (!key?.id || isIgnoredChat(key.remoteJid) || !raw.message) return null;
  const content = unwrap(raw.message);
  const text = extractText(raw.message);
  const attachment = options.attachment ?? describeMedia(raw.message);
  // A message with media but no text is kept: the host records the attachment.
  if (!content || (text.trim() === '' && !attachment)) return null;

  const chatJid = translateJid(key.remoteJid, lidMap);
  const isFromMe = Boolean(key.fromMe);
  const rawSender = isFromMe && ownJid ? ownJid : key.participant || key.remoteJid;
  const sender = bareJid(translateJid(rawSender, lidMap));
  const senderName = raw.pushName || jidUser(sender);

  const record = {
    id: key.id,
    chatJid,
    sender,
    senderName,
    content: text,
    timestamp: toIsoTimestamp(raw.messageTimestamp, nowMs),
    isFromMe,
  };
  const reply = replyOf(content, lidMap);
  if (reply) record.replyTo = reply;
  if (attachment) record.attachments = [attachment];
  // Only an own message can be the echo of the assistant's send (a stranger cannot reuse the id to pass as the bot).
  if (sentByAssistant && isFromMe) record.sentByAssistant = true;
  return record;
}
