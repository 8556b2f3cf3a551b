import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyCipher } from '../../../src/crypto/key-cipher.js';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { KeyService } from '../../../src/keys/key-service.js';
import { KeyStore } from '../../../src/keys/key-store.js';
import { silentLogger } from '../../../src/logger.js';
import { KeyPool } from '../../../src/proxy/pool/key-pool.js';
import { PoolSync } from '../../../src/proxy/pool/pool-sync.js';

const key = (c: string) => 'sk-' + c.repeat(48);
let db: Db;
let sync: PoolSync;
afterEach(() => {
  sync.stop();
  db.close();
});

function setup() {
  db = openDatabase(':memory:');
  const store = new KeyStore(db);
  const keys = new KeyService(store, new KeyCipher(randomBytes(32)));
  const ids = keys.import([key('a'), key('b'), key('c')].join('\n')).addedIds;
  const pool = new KeyPool('round-robin');
  sync = new PoolSync(store, keys, pool, silentLogger);
  sync.start();
  const row = (id: number) => db.prepare('SELECT status, usage_count, failure_count, last_error FROM keys WHERE id = ?').get(id);
  const money = (id: number) =>
    db
      .prepare(
        `SELECT anchor_gift_nano AS gift, anchor_paid_nano AS paid, anchor_at AS at, anchor_source AS source,
           spent_gift_nano AS spentGift, spent_paid_nano AS spentPaid, spent_unsplit_nano AS spentUnsplit,
           lacks_paid AS lacksPaid, lacks_paid_at AS lacksPaidAt, paid_found_at AS paidFoundAt FROM keys WHERE id = ?`,
      )
      .get(id);
  return { pool, keys, ids, row, store, money };
}

const Y = 1_000_000_000;

const plain = { needsPaid: false, free: false, tried: new Set<number>() };

describe('PoolSync', () => {
  it('loads every key into the pool and follows admin changes', () => {
    const { pool, keys, ids } = setup();
    expect(pool.size).toBe(3);
    keys.update(ids[0]!, { enabled: false });
    expect(pool.get(ids[0]!)!.enabled).toBe(false);
    keys.delete(ids[1]!);
    expect(pool.get(ids[1]!)).toBeUndefined();
    expect(pool.get(ids[0]!)!.secret).toBe(key('a'));
  });

  it('writes state changes before counters, a bounded number of keys per flush', () => {
    const { pool, ids, row } = setup();
    pool.succeeded(pool.pick(plain)!); // a
    pool.succeeded(pool.pick(plain)!); // b
    pool.markInvalid(pool.get(ids[2]!)!, 'HTTP 401 (code 30014): Token is invalid.');
    sync.flush(1);
    expect(row(ids[2]!)).toMatchObject({ status: 'invalid', failure_count: 1, last_error: 'HTTP 401 (code 30014): Token is invalid.' });
    expect(row(ids[0]!)).toMatchObject({ usage_count: 0 });
    sync.flush(1);
    expect(row(ids[0]!)).toMatchObject({ usage_count: 1 });
    expect(row(ids[1]!)).toMatchObject({ usage_count: 0 });
    sync.flush();
    expect(row(ids[1]!)).toMatchObject({ usage_count: 1 });
  });

  it('an admin edit does not undo a status the proxy learned but has not written yet', () => {
    const { pool, keys, ids, row } = setup();
    pool.markInvalid(pool.get(ids[0]!)!, '401');
    keys.update(ids[0]!, { note: 'renamed' });
    expect(pool.get(ids[0]!)!.status).toBe('invalid');
    sync.flush();
    expect(row(ids[0]!)).toMatchObject({ status: 'invalid' });
  });

  it('a key used many times between two flushes is one row update, its counts added to the stored ones', () => {
    const { pool, ids, row, store } = setup();
    const written = vi.spyOn(store, 'applyProxyUpdates');
    const a = pool.get(ids[0]!)!;
    pool.succeeded(a);
    pool.succeeded(a);
    pool.troubled(a, 'HTTP 503', 10);
    sync.flush();
    expect(written).toHaveBeenCalledTimes(1);
    expect(written.mock.calls[0]![0]).toHaveLength(1);
    expect(row(ids[0]!)).toMatchObject({ usage_count: 3, failure_count: 1, last_error: 'HTTP 503' });
    pool.succeeded(a);
    sync.flush();
    expect(row(ids[0]!)).toMatchObject({ usage_count: 4, failure_count: 1, last_error: 'HTTP 503' });
    sync.flush();
    expect(written).toHaveBeenCalledTimes(2);
  });

  it('uses counted before an admin edit are neither lost nor counted twice', () => {
    const { pool, keys, ids, row } = setup();
    pool.succeeded(pool.pick(plain)!);
    keys.update(ids[0]!, { note: 'renamed' });
    expect(pool.get(ids[0]!)!.usageCount).toBe(1);
    sync.flush();
    expect(row(ids[0]!)).toMatchObject({ usage_count: 1 });
    keys.update(ids[0]!, { note: 'again' });
    expect(pool.get(ids[0]!)!.usageCount).toBe(1);
  });

  it("a deleted key's unsaved changes are not written", () => {
    const { pool, keys, ids, store } = setup();
    const written = vi.spyOn(store, 'applyProxyUpdates');
    pool.markInvalid(pool.get(ids[0]!)!, '401');
    keys.delete(ids[0]!);
    sync.flush();
    expect(written).not.toHaveBeenCalled();
  });

  it('a last error is stored with any key in it redacted', () => {
    const { pool, ids, row } = setup();
    pool.markInvalid(pool.get(ids[0]!)!, `HTTP 401: key ${key('z')} is invalid`);
    sync.flush();
    expect(row(ids[0]!)).toMatchObject({ last_error: 'HTTP 401: key sk-zzzz…[redacted] is invalid' });
  });

  it('stop writes everything still unsaved', () => {
    const { pool, ids, row } = setup();
    for (const id of ids) pool.succeeded(pool.get(id)!);
    sync.stop();
    for (const id of ids) expect(row(id)).toMatchObject({ usage_count: 1 });
  });

  it('spend is added to the stored spend against its anchor; a learned anchor is stored first', () => {
    const { pool, ids, store, money } = setup();
    store.setAnchors([ids[0]!, ids[1]!], 14 * Y, 0, 'admin', 1000);
    pool.charge(pool.get(ids[0]!)!, 3 * Y, false);
    sync.flush();
    pool.charge(pool.get(ids[0]!)!, Y, false);
    sync.flush();
    expect(money(ids[0]!)).toMatchObject({ gift: 14 * Y, at: 1000, spentGift: 4 * Y, spentPaid: 0 });
    pool.charge(pool.get(ids[1]!)!, Y, false);
    pool.markExhausted(pool.get(ids[1]!)!, '30001', 2000);
    sync.flush();
    expect(money(ids[1]!)).toMatchObject({ gift: 0, paid: 0, at: 2000, source: 'signal', spentGift: 0 });
  });

  it("an admin's anchor set while spend is pending is not polluted by spend from before it", () => {
    const { pool, ids, store, money } = setup();
    store.setAnchors([ids[0]!], 14 * Y, 0, 'admin', 1000);
    pool.charge(pool.get(ids[0]!)!, 3 * Y, false);
    store.setAnchors([ids[0]!], 20 * Y, 5 * Y, 'admin', 3000);
    expect(pool.get(ids[0]!)!.totalBalance).toBe(25 * Y);
    sync.flush();
    expect(money(ids[0]!)).toMatchObject({ gift: 20 * Y, paid: 5 * Y, at: 3000, spentGift: 0, spentPaid: 0 });
  });

  it('the store adds spend only while the anchor it was made against (its time and source) is the stored one', () => {
    const { ids, store, money } = setup();
    store.setAnchors([ids[0]!], 14 * Y, 0, 'admin', 1000);
    const update = {
      id: ids[0]!,
      status: 'active' as const,
      coolingUntil: null,
      lacksPaidAt: null,
      usageDelta: 1,
      failureDelta: 0,
      lastUsedAt: 5,
    };
    store.applyProxyUpdates([{ ...update, spend: { gift: Y, paid: 0, unsplit: 0, against: { at: 999, source: 'admin' } } }]);
    store.applyProxyUpdates([{ ...update, spend: { gift: Y, paid: 0, unsplit: 0, against: { at: 1000, source: 'signal' } } }]);
    expect(money(ids[0]!)).toMatchObject({ spentGift: 0 });
    store.applyProxyUpdates([{ ...update, spend: { gift: Y, paid: 2, unsplit: 3, against: { at: 1000, source: 'admin' } } }]);
    expect(money(ids[0]!)).toMatchObject({ spentGift: Y, spentPaid: 2, spentUnsplit: 3 });
    store.applyProxyUpdates([{ ...update, anchor: { gift: 0, paid: 0, at: 4000, replaces: { at: 1000, source: 'top-up' } } }]);
    expect(money(ids[0]!)).toMatchObject({ gift: 14 * Y, at: 1000 });
  });

  it('30011 and a Pro/ answer the ledger did not expect are stored: lacks_paid_at, then paid_found_at', () => {
    const { pool, ids, store, money } = setup();
    store.setAnchors([ids[0]!], 14 * Y, 0, 'admin', 1000);
    pool.markLacksPaid(pool.get(ids[0]!)!, '30011', 2000);
    sync.flush();
    expect(money(ids[0]!)).toMatchObject({ gift: 14 * Y, paid: 0, at: 2000, lacksPaid: 1, lacksPaidAt: 2000, paidFoundAt: null });
    pool.paidCreditShown(pool.get(ids[0]!)!, 3000);
    sync.flush();
    expect(money(ids[0]!)).toMatchObject({ gift: 14 * Y, paid: null, at: 3000, lacksPaid: 0, lacksPaidAt: null, paidFoundAt: 3000 });
  });

  it('a top-up recorded by the admin puts a key that answered 30011 back for Pro/ models at once', () => {
    const { pool, ids, store } = setup();
    const pro = { needsPaid: true, free: false, tried: new Set<number>() };
    // The same millisecond as the 30011, as it once happened here: the anchors still differ, by source.
    for (const id of ids) pool.markLacksPaid(pool.get(id)!, '30011', 5000);
    sync.flush();
    expect(pool.pick(pro, 5001)).toBeUndefined();
    store.recordTopUp([ids[1]!], 50 * Y, 5000);
    expect(pool.pick(pro, 5001)?.id).toBe(ids[1]);
    expect(pool.get(ids[1]!)!.chargeBalance).toBe(50 * Y);
  });
});
