import { pino, type Logger } from 'pino';
import { redactSecrets } from './redact.js';

export type { Logger };

/**
 * JSON lines on stdout. Every line passes through redactSecrets before it is written,
 * so no code path (an error's stack, an upstream message) can put a key into the log.
 */
export function createLogger(level: string, sink: { write(line: string): unknown } = process.stdout): Logger {
  const destination = { write: (line: string) => sink.write(redactSecrets(line)) };
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export const silentLogger: Logger = pino({ level: 'silent' });
