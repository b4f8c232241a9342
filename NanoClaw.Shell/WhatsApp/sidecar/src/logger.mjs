// A pino-compatible logger for Baileys that never writes to stdout (stdout carries the protocol):
// warnings and errors become `log` events for the host; chatter below `minLevel` is dropped.

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * @param {(level: string, msg: string) => void} emitLog
 * @param {string} minLevel lowest level forwarded to the host
 */
export function makeLogger(emitLog, minLevel = 'warn') {
  const threshold = LEVELS[minLevel] ?? LEVELS.warn;
  const logger = {
    level: minLevel,
    child: () => logger,
  };
  for (const [name, value] of Object.entries(LEVELS)) {
    logger[name] = (first, second) => {
      if (value < threshold) return;
      emitLog(name === 'fatal' ? 'error' : name, describe(first, second));
    };
  }
  return logger;
}

// pino takes (object, message) or (message); keep it short and free of key material.
function describe(first, second) {
  if (typeof first === 'string') return first;
  const message = typeof second === 'string' ? second : '';
  const error = first?.err ?? first?.error;
  const detail = error?.message ?? (typeof first?.trace === 'string' ? first.trace.split('\n')[0] : '');
  return [message, detail].filter(Boolean).join(': ') || 'baileys event';
}
