// The wire protocol: one JSON object per line, `type` names it. See PROTOCOL.md.
// Pure: parsing and validating commands, encoding events.

import { FILE_KINDS } from './outbound.mjs';

export const PROTOCOL_VERSION = 1;

const isString = (v) => typeof v === 'string';
const isNonEmptyString = (v) => typeof v === 'string' && v.length > 0;
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;

/** Required fields of each command and how to check them. */
const COMMANDS = {
  connect: { authDir: isNonEmptyString },
  send: { id: isNonEmptyString, jid: isNonEmptyString, text: isString },
  send_file: { id: isNonEmptyString, jid: isNonEmptyString, path: isNonEmptyString, mimetype: isNonEmptyString, kind: (v) => FILE_KINDS.includes(v) },
  typing: { jid: isNonEmptyString, on: (v) => typeof v === 'boolean' },
  sync_groups: {},
  media: { dir: isNonEmptyString, groups: (v) => v !== null && typeof v === 'object' && !Array.isArray(v) },
  logout: {},
  shutdown: {},
};

const OPTIONAL = {
  connect: { phone: isNonEmptyString, link: (v) => typeof v === 'boolean' },
  media: { maxFileBytes: isCount, maxBytesPerGroupPerDay: isCount },
  send_file: { fileName: isString, caption: isString },
};

/**
 * Parses one line from the host.
 * @returns {{ok: true, command: object} | {ok: false, error: string, id?: string}}
 */
export function parseCommand(line) {
  let value;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: `not JSON: ${truncate(line)}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'a command must be a JSON object' };
  }
  const spec = COMMANDS[value.type];
  if (!spec) {
    return { ok: false, error: `unknown command type ${JSON.stringify(value.type)}` };
  }
  for (const [field, check] of Object.entries(spec)) {
    if (!check(value[field])) {
      return { ok: false, error: `${value.type}: field "${field}" is missing or has the wrong type`, id: idOf(value) };
    }
  }
  for (const [field, check] of Object.entries(OPTIONAL[value.type] ?? {})) {
    if (value[field] !== undefined && !check(value[field])) {
      return { ok: false, error: `${value.type}: field "${field}" has the wrong type`, id: idOf(value) };
    }
  }
  return { ok: true, command: value };
}

function idOf(value) {
  return isNonEmptyString(value.id) ? value.id : undefined;
}

function truncate(text) {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** One event as a protocol line (with the trailing newline). */
export function encodeEvent(type, fields = {}) {
  return `${JSON.stringify({ type, ...fields })}\n`;
}
