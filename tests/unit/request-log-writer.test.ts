import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import type { RequestLogEntry } from '../../src/logs/request-log-types.js';
import { RequestLogWriter } from '../../src/logs/request-log-writer.js';
import { silentLogger } from '../../src/logger.js';

const entry = (time: number): RequestLogEntry => ({
  time,
  method: 'POST',
  path: '/v1/chat/completions',
  model: 'm',
  requestedModel: null,
  stream: false,
  status: 200,
  keyId: 1,
  clientId: 0,
  attempts: 1,
  firstByteMs: 5,
  totalMs: 10,
  promptTokens: 1,
  completionTokens: 1,
  totalTokens: 2,
  costNano: null,
  giftNano: null,
  paidNano: null,
  errorClass: null,
});

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let db: Db;
let store: RequestLogStore;
const writers: RequestLogWriter[] = [];
const makeWriter = (...args: ConstructorParameters<typeof RequestLogWriter> extends [unknown, ...infer R] ? R : never) => {
  const writer = new RequestLogWriter(store, ...args);
  writers.push(writer);
  return writer;
};
const rows = () => db.prepare('SELECT COUNT(*) FROM request_logs').pluck().get() as number;

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new RequestLogStore(db);
});
afterEach(() => {
  for (const w of writers.splice(0)) w.close();
  if (db.open) db.close();
});

describe('RequestLogWriter', () => {
  it('buffers writes without touching the database until flush()', () => {
    const writer = makeWriter(silentLogger, { flushIntervalMs: 60_000 });
    writer.write(entry(1));
    writer.write(entry(2));
    expect(writer.pending).toBe(2);
    expect(rows()).toBe(0);
    writer.flush();
    expect(writer.pending).toBe(0);
    expect(rows()).toBe(2);
  });

  it('flushes by itself as soon as maxBatch entries are waiting', () => {
    const writer = makeWriter(silentLogger, { flushIntervalMs: 60_000, maxBatch: 3 });
    writer.write(entry(1));
    writer.write(entry(2));
    expect(rows()).toBe(0);
    writer.write(entry(3));
    expect(rows()).toBe(3);
    expect(writer.pending).toBe(0);
  });

  it('flushes periodically on its timer', async () => {
    const writer = makeWriter(silentLogger, { flushIntervalMs: 20 });
    writer.write(entry(1));
    expect(rows()).toBe(0);
    await until(() => rows() === 1);
    expect(writer.pending).toBe(0);
  });

  it('close() writes what is left, and a straggler written after close is stored at once', () => {
    const writer = makeWriter(silentLogger, { flushIntervalMs: 60_000 });
    writer.write(entry(1));
    writer.close();
    expect(rows()).toBe(1);
    writer.write(entry(2));
    expect(rows()).toBe(2);
    expect(writer.pending).toBe(0);
  });

  it('logs a failed batch with its size and drops it instead of throwing or retrying', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const writer = makeWriter(logger, { flushIntervalMs: 60_000 });
    writer.write(entry(1));
    writer.write(entry(2));
    db.close();
    expect(() => writer.flush()).not.toThrow();
    expect(writer.pending).toBe(0);
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as { msg: string; dropped: number; err: { message: string } };
    expect(logged.dropped).toBe(2);
    expect(logged.msg).toMatch(/dropped/);
    expect(logged.err.message).toMatch(/not open/);
    writer.flush();
    expect(lines).toHaveLength(1);
  });
});
