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
  return { pool, keys, ids, row, store };
}

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
});
