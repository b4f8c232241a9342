// One WhatsApp session on Baileys. Reports everything as protocol events through `emit`;
// reconnect policy belongs to the host, which sends `connect` again after a close.

import { readFile, rm } from 'node:fs/promises';
import { fileContent } from './outbound.mjs';
import {
  makeWASocket,
  useMultiFileAuthState,
  DisconnectReason,
  Browsers,
  fetchLatestWaWebVersion,
  downloadMediaMessage,
} from '@whiskeysockets/baileys';
import { chatOf, normaliseMessage, bareJid, jidUser } from './normalise.mjs';
import { MediaStore } from './media.mjs';
import { SentIds } from './sent-ids.mjs';

const REASONS = Object.fromEntries(
  Object.entries(DisconnectReason).filter(([, code]) => typeof code === 'number').map(([name, code]) => [code, name]),
);

export class Session {
  /**
   * @param {(type: string, fields?: object) => void} emit
   * @param {object} logger pino-compatible
   */
  constructor(emit, logger) {
    this.emit = emit;
    this.logger = logger;
    this.sock = null;
    this.open = false;
    this.authDir = null;
    this.lidMap = new Map();
    this.ownJid = undefined;
    this.groupNames = new Map();
    this.pendingSaves = new Set();
    this.pairingRequested = false;
    // Ids of the files sent for send_file: their fromMe echo is marked sentByAssistant (see sent-ids.mjs).
    this.sentFiles = new SentIds();
    // No `media` command yet: no directory, so nothing is downloaded.
    this.media = new MediaStore({}, (raw) =>
      downloadMediaMessage(raw, 'stream', {}, { logger: this.logger, reuploadRequest: (m) => this.sock.updateMediaMessage(m) }));
    // Messages are handled one after another, so a slow download never reorders a chat.
    this.inbound = Promise.resolve();
  }

  /** The `media` command: where media goes, the limits, and which chats are registered groups (JID → folder). */
  configureMedia(command) {
    this.media.configure(command);
  }

  async connect({ authDir, phone, link = false }) {
    if (this.sock) {
      // Never two sockets: a second connect while one is alive is a no-op report.
      this.emit('log', { level: 'warn', msg: 'connect ignored: already connecting or connected' });
      return;
    }
    this.authDir = authDir;
    // The previous socket's credential writes (e.g. right after pairing) must land before they are read again.
    await this.flush();
    const { state, saveCreds } = await useMultiFileAuthState(authDir);
    const linked = Boolean(state.creds.account && state.creds.me?.id);
    this.emit('auth_state', { linked, me: linked ? bareJid(state.creds.me.id) : undefined });
    if (!linked && !link) {
      this.emit('connection', { state: 'close', reason: 'not_linked', loggedOut: true });
      return;
    }
    if (!linked && state.creds.me) {
      // An unfinished pairing-code attempt leaves `me` behind; Baileys would then try to log in
      // instead of registering a new device.
      delete state.creds.me;
      delete state.creds.pairingCode;
    }

    let version;
    try {
      ({ version } = await fetchLatestWaWebVersion({}));
    } catch {
      version = undefined; // Baileys' built-in default
    }

    const sock = makeWASocket({
      auth: state,
      logger: this.logger,
      browser: Browsers.macOS('Chrome'),
      printQRInTerminal: false,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      ...(version ? { version } : {}),
    });
    this.sock = sock;
    this.pairingRequested = false;

    sock.ev.on('creds.update', () => this.track(saveCreds()));
    sock.ev.on('connection.update', (update) => this.onConnectionUpdate(sock, update, { phone, link }));
    sock.ev.on('messages.upsert', ({ messages }) => this.onMessages(messages ?? []));
    sock.ev.on('groups.upsert', (groups) => this.onGroups(groups ?? []));
    sock.ev.on('groups.update', (groups) => this.onGroups(groups ?? []));
  }

  track(promise) {
    const tracked = Promise.resolve(promise)
      .catch((error) => this.emit('log', { level: 'error', msg: `saving auth state failed: ${error.message}` }))
      .finally(() => this.pendingSaves.delete(tracked));
    this.pendingSaves.add(tracked);
  }

  async onConnectionUpdate(sock, update, { phone, link }) {
    if (sock !== this.sock) return; // a late event from a replaced socket
    const { connection, lastDisconnect, qr } = update;
    if (qr) {
      if (!link) {
        // The daemon never waits for a scan.
        this.emit('connection', { state: 'close', reason: 'not_linked', loggedOut: true });
        this.drop();
        sock.end(undefined);
        return;
      }
      if (phone) {
        if (!this.pairingRequested) {
          this.pairingRequested = true;
          try {
            const code = await sock.requestPairingCode(phone.replace(/[^0-9]/g, ''));
            this.emit('pairing_code', { code });
          } catch (error) {
            this.emit('error', { msg: `pairing code request failed: ${error.message}` });
          }
        }
      } else {
        this.emit('qr', { code: qr });
      }
    }
    if (connection === 'connecting') this.emit('connection', { state: 'connecting' });
    if (connection === 'open') {
      this.open = true;
      const user = sock.user ?? {};
      this.ownJid = user.id ? bareJid(user.id) : undefined;
      const lid = user.lid ? bareJid(user.lid) : undefined;
      if (lid && this.ownJid) this.lidMap.set(jidUser(lid), this.ownJid);
      this.emit('own_ids', { phoneJid: this.ownJid, lid });
      try {
        await sock.sendPresenceUpdate('available');
      } catch (error) {
        this.emit('log', { level: 'warn', msg: `presence update failed: ${error.message}` });
      }
      this.emit('connection', { state: 'open' });
    }
    if (connection === 'close') {
      const statusCode = lastDisconnect?.error?.output?.statusCode;
      const loggedOut = statusCode === DisconnectReason.loggedOut;
      this.drop();
      this.emit('connection', {
        state: 'close',
        reason: REASONS[statusCode] ?? lastDisconnect?.error?.message ?? 'unknown',
        statusCode,
        loggedOut,
      });
    }
  }

  drop() {
    this.sock = null;
    this.open = false;
  }

  onMessages(messages) {
    this.inbound = this.inbound.then(() => this.handleMessages(messages));
    return this.inbound;
  }

  async handleMessages(messages) {
    const nowMs = Date.now();
    for (const raw of messages) {
      try {
        const options = { lidMap: this.lidMap, ownJid: this.ownJid, nowMs };
        const chat = chatOf(raw, options);
        if (!chat) continue;
        const name = chat.isGroup ? this.groupNames.get(chat.jid) : raw.key?.fromMe ? undefined : raw.pushName;
        this.emit('chat', { ...chat, ...(name ? { name } : {}) });
        const attachment = raw.key?.id ? await this.media.attachmentOf(raw, chat.jid) : null;
        // Asked after the download: Baileys emits the echo of an own send on the next tick, after sendMessage resolved.
        const sentByAssistant = this.sentFiles.has(raw.key?.id);
        const message = normaliseMessage(raw, { ...options, sentByAssistant, ...(attachment ? { attachment } : {}) });
        if (message) this.emit('message', { message });
      } catch (error) {
        // One odd message must not take the rest down.
        this.emit('log', { level: 'warn', msg: `skipped an unreadable message: ${error.message}` });
      }
    }
  }

  onGroups(groups) {
    for (const group of groups) {
      if (!group?.id || !group.subject) continue;
      this.groupNames.set(group.id, group.subject);
      this.emit('chat', { jid: group.id, name: group.subject, isGroup: true, timestamp: new Date().toISOString() });
    }
  }

  async send({ id, jid, text }) {
    if (!this.sock || !this.open) {
      this.emit('send_result', { id, ok: false, error: 'not connected' });
      return;
    }
    try {
      const sent = await this.sock.sendMessage(jid, { text });
      this.emit('send_result', { id, ok: true, messageId: sent?.key?.id });
    } catch (error) {
      this.emit('send_result', { id, ok: false, error: error.message ?? String(error) });
    }
  }

  // The path is the host's own copy (data/outbox-files/), never a file an agent can reach.
  async sendFile(command) {
    const { id, jid, path } = command;
    if (!this.sock || !this.open) {
      this.emit('send_result', { id, ok: false, error: 'not connected' });
      return;
    }
    try {
      const bytes = await readFile(path);
      const sent = await this.sock.sendMessage(jid, fileContent(command, bytes));
      this.sentFiles.remember(sent?.key?.id);
      this.emit('send_result', { id, ok: true, messageId: sent?.key?.id });
    } catch (error) {
      this.emit('send_result', { id, ok: false, error: error.message ?? String(error) });
    }
  }

  async typing({ jid, on }) {
    if (!this.sock || !this.open) return;
    try {
      await this.sock.sendPresenceUpdate(on ? 'composing' : 'paused', jid);
    } catch (error) {
      this.emit('log', { level: 'warn', msg: `typing update failed: ${error.message}` });
    }
  }

  async syncGroups() {
    if (!this.sock || !this.open) {
      this.emit('error', { msg: 'sync_groups: not connected' });
      return;
    }
    try {
      const all = await this.sock.groupFetchAllParticipating();
      const list = Object.values(all)
        .filter((group) => group?.id && group.subject)
        .map((group) => ({ jid: group.id, name: group.subject }));
      for (const group of list) this.groupNames.set(group.jid, group.name);
      this.emit('groups', { list });
    } catch (error) {
      this.emit('error', { msg: `sync_groups failed: ${error.message}` });
    }
  }

  async logout() {
    const sock = this.sock;
    if (sock) {
      try {
        await sock.logout();
      } catch (error) {
        this.emit('log', { level: 'warn', msg: `logout: ${error.message}` });
      }
    }
    await this.flush();
    if (this.authDir) await rm(this.authDir, { recursive: true, force: true });
    if (this.sock === sock) {
      this.drop();
      this.emit('connection', { state: 'close', reason: 'loggedOut', loggedOut: true });
    }
  }

  async flush() {
    await Promise.all([...this.pendingSaves]);
  }

  async shutdown() {
    const sock = this.sock;
    this.drop();
    sock?.end(undefined);
    await this.flush();
  }
}
