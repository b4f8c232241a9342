// Inbound media: which attachment a message carries, whether it may be downloaded (per-file and
// per-group-per-day limits), and where it lands. The download itself is injected (Baileys'
// downloadMediaMessage in production, a plain stream in tests), so this module needs no packages.

import { createHash } from 'node:crypto';
import { mkdir, open, link, unlink, readdir, lstat, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describeMedia } from './normalise.mjs';

/** Known MIME types → file extension. Anything else falls back to a checked extension of the original name, then `bin`. */
const EXTENSIONS = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
};

export const DEFAULT_LIMITS = { maxFileBytes: 20 * 1024 * 1024, maxBytesPerGroupPerDay: 200 * 1024 * 1024 };

/** Reasons an attachment has no file. */
export const TOO_LARGE = 'too large';
export const DAILY_LIMIT = 'daily limit reached';
export const NOT_REGISTERED = 'chat not registered';

/**
 * The file name an attachment gets: the message id (kept only when it is plain `[A-Za-z0-9_-]`, else a hash of
 * it) and an extension from the MIME type, else from the original name when that is short alphanumerics, else
 * `bin`. Nothing from the chat ever becomes a path component as given.
 */
export function storedName(messageId, mime, originalName) {
  const id = typeof messageId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(messageId)
    ? messageId
    : createHash('sha256').update(String(messageId)).digest('hex').slice(0, 32);
  let ext = EXTENSIONS[mime];
  if (!ext && typeof originalName === 'string') {
    const match = /\.([A-Za-z0-9]{1,8})$/.exec(originalName);
    if (match) ext = match[1].toLowerCase();
  }
  return `${id}.${ext ?? 'bin'}`;
}

/** UTC day of a time in ms: `2026-01-31`. */
function dayOf(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a folder name the host could have registered: never a path. */
export function isSafeFolder(folder) {
  return typeof folder === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(folder);
}

/**
 * Downloads media of registered groups into `<dir>/<folder>/`, within the limits. One instance per sidecar;
 * the day's usage per folder is counted from the files already there (so a restart keeps counting) and then in
 * memory.
 */
export class MediaStore {
  /**
   * @param {{dir?: string, groups?: Record<string,string>, maxFileBytes?: number, maxBytesPerGroupPerDay?: number}} config
   * @param {(raw: object) => Promise<AsyncIterable<Uint8Array>>} download the message's decrypted bytes as a stream
   * @param {() => number} now clock in ms
   */
  constructor(config, download, now = Date.now) {
    this.download = download;
    this.now = now;
    this.usage = new Map(); // folder → {day, bytes}
    this.configure(config);
  }

  configure({ dir, groups = {}, maxFileBytes, maxBytesPerGroupPerDay } = {}) {
    this.dir = typeof dir === 'string' && dir !== '' ? dir : undefined;
    this.groups = new Map(Object.entries(groups ?? {}).filter(([, folder]) => isSafeFolder(folder)));
    this.maxFileBytes = Number.isFinite(maxFileBytes) && maxFileBytes >= 0 ? maxFileBytes : DEFAULT_LIMITS.maxFileBytes;
    this.maxBytesPerGroupPerDay = Number.isFinite(maxBytesPerGroupPerDay) && maxBytesPerGroupPerDay >= 0
      ? maxBytesPerGroupPerDay
      : DEFAULT_LIMITS.maxBytesPerGroupPerDay;
  }

  /**
   * The wire attachment of a message (`{kind, mime, size, file, reason?, caption?, fileName?}`), or null when it has
   * no media. Media of chats that are not registered groups is never downloaded. Never throws: a failed download
   * is an attachment with `file: null` and the reason.
   */
  async attachmentOf(raw, chatJid) {
    const described = describeMedia(raw?.message);
    if (!described) return null;
    const attachment = { ...described, file: null };
    const folder = this.groups.get(chatJid);
    if (!folder || !this.dir) return { ...attachment, reason: NOT_REGISTERED };
    const { size } = attachment;
    if (size > this.maxFileBytes) return { ...attachment, reason: TOO_LARGE };
    const usage = await this.usageOf(folder);
    if (size >= 0 && usage.bytes + size > this.maxBytesPerGroupPerDay) return { ...attachment, reason: DAILY_LIMIT };
    try {
      const saved = await this.save(raw, folder, attachment, usage);
      return saved;
    } catch (error) {
      return { ...attachment, reason: `download failed: ${error?.message ?? error}`.slice(0, 200) };
    }
  }

  async usageOf(folder) {
    const day = dayOf(this.now());
    const known = this.usage.get(folder);
    if (known && known.day === day) return known;
    let bytes = 0;
    try {
      for (const name of await readdir(join(this.dir, folder))) {
        const info = await lstat(join(this.dir, folder, name));
        if (info.isFile() && dayOf(info.mtimeMs) === day) bytes += info.size;
      }
    } catch {
      // No folder yet: nothing used today.
    }
    const fresh = { day, bytes };
    this.usage.set(folder, fresh);
    return fresh;
  }

  async save(raw, folder, attachment, usage) {
    const target = join(this.dir, folder);
    await mkdir(target, { recursive: true, mode: 0o755 });
    await chmod(target, 0o755);
    const name = storedName(raw.key.id, attachment.mime, attachment.fileName);
    const partial = join(target, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.part`);
    // Bytes counted while they arrive: the stated size may lie.
    const limit = Math.min(this.maxFileBytes, this.maxBytesPerGroupPerDay - usage.bytes);
    let written = 0;
    let overLimit = null;
    try {
      const handle = await open(partial, 'wx', 0o644);
      try {
        // Whatever the umask: the container's user (another uid under a root daemon) must read it. data/ stays 0700.
        await handle.chmod(0o644);
        const stream = await this.download(raw);
        for await (const chunk of stream) {
          written += chunk.length;
          if (written > limit) {
            overLimit = written > this.maxFileBytes ? TOO_LARGE : DAILY_LIMIT;
            break;
          }
          await handle.write(chunk);
        }
      } finally {
        await handle.close();
      }
      if (overLimit) return { ...attachment, reason: overLimit, size: attachment.size >= 0 ? attachment.size : written };
      const file = await this.placeWithoutOverwriting(partial, target, name);
      usage.bytes += written;
      return { ...attachment, size: written, file };
    } finally {
      await unlink(partial).catch(() => {});
    }
  }

  // A message id may come back (an edit, or someone reusing it): an existing file is never replaced.
  async placeWithoutOverwriting(partial, target, name) {
    const dot = name.lastIndexOf('.');
    for (let n = 0; n < 100; n++) {
      const candidate = n === 0 ? name : `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
      try {
        await link(partial, join(target, candidate));
        return candidate;
      } catch (error) {
        if (error?.code !== 'EEXIST') throw error;
      }
    }
    throw new Error('too many files with this message id');
  }
}
