// Entry point: reads commands from stdin, writes events to stdout, one JSON object per line.
// Commands run one at a time in arrival order, so sends leave in the order the host queued them.

import { createInterface } from 'node:readline';
import { parseCommand, encodeEvent, PROTOCOL_VERSION } from './protocol.mjs';
import { makeLogger } from './logger.mjs';
import { Session } from './session.mjs';

function emit(type, fields = {}) {
  process.stdout.write(encodeEvent(type, fields));
}

const logger = makeLogger((level, msg) => emit('log', { level, msg }), process.env.NANOCLAW_SIDECAR_LOG_LEVEL ?? 'warn');
const session = new Session(emit, logger);
let queue = Promise.resolve();
let stopping = false;

async function handle(command) {
  switch (command.type) {
    case 'connect':
      return session.connect(command);
    case 'send':
      return session.send(command);
    case 'send_file':
      return session.sendFile(command);
    case 'typing':
      return session.typing(command);
    case 'sync_groups':
      return session.syncGroups();
    case 'media':
      return session.configureMedia(command);
    case 'logout':
      return session.logout();
    case 'shutdown':
      return stop(0);
  }
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await session.shutdown();
  } finally {
    // Let stdout drain before leaving.
    process.stdout.write('', () => process.exit(code));
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  const parsed = parseCommand(line);
  if (!parsed.ok) {
    emit('error', { msg: parsed.error, ...(parsed.id ? { id: parsed.id } : {}) });
    return;
  }
  queue = queue
    .then(() => handle(parsed.command))
    .catch((error) => emit('error', { msg: `${parsed.command.type} failed: ${error?.message ?? error}` }));
});
// The host went away: close the socket cleanly, keeping the auth state.
lines.on('close', () => {
  queue = queue.then(() => stop(0));
});

process.on('unhandledRejection', (error) => {
  emit('log', { level: 'error', msg: `unhandled rejection: ${error?.message ?? error}` });
});

emit('ready', { protocol: PROTOCOL_VERSION, pid: process.pid });
