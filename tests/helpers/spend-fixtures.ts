import type { Db } from '../../src/db/database.js';
import { KeyStore } from '../../src/keys/key-store.js';
import type { AnchorSource } from '../../src/ledger/balance.js';
import { parseYuan, type Nano } from '../../src/ledger/money.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import type { RequestLogEntry } from '../../src/logs/request-log-types.js';
import { DAY_MS, HOUR_MS } from '../../src/stats/local-time.js';
import { fakeKey, type TestApp } from './test-app.js';
import { logEntry } from './unit-fixtures.js';

/** Yuan as text → n¥ ("1.26" → 1_260_000_000), so a test's figures read as money. */
export const nano = (yuan: string): Nano => parseYuan(yuan)!;

/** What the proxy puts on a request's log row: its cost, and which credit paid it (null = unknown). */
export type Spent = { cost: Nano | null; gift?: Nano | null; paid?: Nano | null };

/** Logged requests with their cost, written as the proxy writes them (RequestLogStore, one batch). */
export function logSpend(db: Db, rows: (Partial<RequestLogEntry> & Spent)[]): void {
  const entries = rows.map(({ cost, gift = cost, paid = cost === null ? null : 0, ...entry }) =>
    logEntry({ ...entry, costNano: cost, giftNano: gift, paidNano: paid }),
  );
  new RequestLogStore(db).insertMany(entries);
}

/** A key's money as the ledger knows it now: an anchor (and what was spent since, if given). */
export function anchorKey(
  db: Db,
  id: number,
  money: { gift: Nano | null; paid: Nano | null; source: AnchorSource; spentGift?: Nano; spentPaid?: Nano },
): void {
  new KeyStore(db).setAnchors([id], money.gift, money.paid, money.source);
  db.prepare('UPDATE keys SET spent_gift_nano = ?, spent_paid_nano = ? WHERE id = ?').run(money.spentGift ?? 0, money.spentPaid ?? 0, id);
}

/**
 * Five keys (fakeKey of POOL_SEEDS; their ids returned in order) whose money is worked out by hand. Key 1 is the admin's estimate
 * (gift ¥10, paid ¥5) and spent ¥2.40 gift + ¥0.48 paid in the last 24 h (and ¥9 before them); key 2
 * is SiliconFlow's exact figure (gift ¥2) and spent ¥1.68 three days ago; key 3 is unknown and spent
 * ¥5; key 4 (disabled, ¥100) and key 5 (invalid, ¥50) hold money the pool cannot spend. So the pool
 * has gift ¥12 and paid ¥5, spent at ¥0.10 and ¥0.02 an hour: 120 and 250 hours.
 */
export const POOL_SEEDS = [101, 102, 103, 104, 105];

export function seedPool(t: TestApp): number[] {
  const ids = t.ctx.keys.import(POOL_SEEDS.map(fakeKey).join('\n')).addedIds;
  anchorKey(t.ctx.db, ids[0]!, { gift: nano('10'), paid: nano('5'), source: 'admin' });
  anchorKey(t.ctx.db, ids[1]!, { gift: nano('2'), paid: 0, source: 'user-info' });
  anchorKey(t.ctx.db, ids[3]!, { gift: nano('100'), paid: 0, source: 'admin' });
  anchorKey(t.ctx.db, ids[4]!, { gift: nano('50'), paid: 0, source: 'admin' });
  t.ctx.keys.update(ids[3]!, { enabled: false });
  t.ctx.db.prepare("UPDATE keys SET status = 'invalid' WHERE id = ?").run(ids[4]);
  const now = Date.now();
  logSpend(t.ctx.db, [
    { time: now - HOUR_MS, keyId: ids[0], cost: nano('2.4') },
    { time: now - 23 * HOUR_MS, keyId: ids[0], model: 'Pro/deepseek-ai/DeepSeek-R1', cost: nano('0.48'), gift: 0, paid: nano('0.48') },
    { time: now - 25 * HOUR_MS, keyId: ids[0], cost: nano('9') }, // before the 24 h: not the current rate
    { time: now - 3 * DAY_MS, keyId: ids[1], cost: nano('1.68') },
    { time: now - 2 * HOUR_MS, keyId: ids[2], cost: nano('5'), gift: null, paid: null },
    { time: now - HOUR_MS, keyId: ids[3], cost: nano('1') },
  ]);
  return ids;
}
