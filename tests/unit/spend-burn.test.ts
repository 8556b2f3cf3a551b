import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { Db } from '../../src/db/database.js';
import { KeyStore } from '../../src/keys/key-store.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import { SpendStore } from '../../src/logs/spend-store.js';
import { logEntry } from '../helpers/unit-fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A burn window that starts 20 s into a minute, so the first minute is partly outside it. */
const NOW = Date.UTC(2026, 11, 2, 12, 0, 20);
const SINCE = NOW - 24 * HOUR;

/**
 * The runway's rate (SpendStore.poolMoney's giftBurn and paidBurn) summed from spend_minutes and
 * the first minute's requests: the same figure a sum over every logged request gives.
 */
describe("the pool's spend over the last 24 hours", () => {
  let db: Db;
  let logs: RequestLogStore;
  let keyIds: number[];

  beforeEach(() => {
    db = openDatabase(':memory:');
    logs = new RequestLogStore(db);
    const keys = new KeyStore(db);
    keyIds = keys.insertMany(
      ['a', 'b', 'c'].map((k) => ({ cipher: Buffer.from(k), hash: `hash-${k}`, masked: `sk-${k}…` })),
      NOW - 48 * HOUR,
    );
  });
  afterEach(() => db.close());

  const spend = (time: number, keyId: number, gift: number | null, paid: number | null) =>
    logEntry({ time, keyId, costNano: (gift ?? 0) + (paid ?? 0), giftNano: gift, paidNano: paid });
  const burn = () => {
    const row = new SpendStore(db).poolMoney(SINCE);
    return { gift: row.giftBurn, paid: row.paidBurn };
  };

  it('counts what was spent since the window opened, to the millisecond, across batches and minutes', () => {
    const [a, b] = keyIds as [number, number];
    logs.insertMany([spend(SINCE - 1, a, 1_000, 0), spend(SINCE, a, 2_000, 0), spend(SINCE + 39_999, b, 4_000, 8)]);
    logs.insertMany([spend(SINCE + 40_000, a, 16_000, 0), spend(NOW - HOUR, b, 32_000, 64)]);
    logs.insertMany([spend(NOW - HOUR + 1, b, 0, 128), spend(NOW, a, 256_000, 0)]);
    // SINCE - 1 is before the window, in the same minute as SINCE: left out.
    expect(burn()).toEqual({ gift: 2_000 + 4_000 + 16_000 + 32_000 + 256_000, paid: 8 + 64 + 128 });
  });

  it('leaves out spend the ledger could not split, and keys the pool no longer counts (switched off or refused)', () => {
    const [a, b, c] = keyIds as [number, number, number];
    logs.insertMany([spend(NOW - HOUR, a, 1_000, 10), spend(NOW - HOUR, b, 2_000, 20), spend(NOW - 2 * HOUR, c, 4_000, 40)]);
    logs.insertMany([logEntry({ time: NOW - 3 * HOUR, keyId: a, costNano: 99_000, giftNano: null, paidNano: null })]);
    new KeyStore(db).update(b, { enabled: false });
    db.prepare("UPDATE keys SET status = 'invalid' WHERE id = ?").run(c);
    expect(burn()).toEqual({ gift: 1_000, paid: 10 });
  });

  it('forgets the minutes pruned with the request logs', () => {
    const [a] = keyIds as [number];
    logs.insertMany([spend(NOW - 2 * HOUR, a, 1_000, 0), spend(NOW - HOUR, a, 2_000, 0)]);
    logs.deleteOlderThan(NOW - 90 * MINUTE);
    expect(burn()).toEqual({ gift: 2_000, paid: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM spend_minutes').get()).toEqual({ n: 1 });
  });
});
