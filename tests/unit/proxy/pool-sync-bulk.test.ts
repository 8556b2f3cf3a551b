/**
 * Issue 15, 100,000 keys: a start loads the pool with its secrets sealed and decrypts them in the
 * background, and a large change (an import, a bulk action) is read in one query. Neither may change
 * what the pool serves: a key picked before its secret was decrypted is sent with the right one, and
 * a bulk reload keeps what the proxy counted but had not written yet.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyCipher } from '../../../src/crypto/key-cipher.js';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { KeyService } from '../../../src/keys/key-service.js';
import { KeyStore } from '../../../src/keys/key-store.js';
import { silentLogger } from '../../../src/logger.js';
import { KeyPool } from '../../../src/proxy/pool/key-pool.js';
import { PoolSync } from '../../../src/proxy/pool/pool-sync.js';

/** More keys than PoolSync reads one by one (BULK_RELOAD). */
const BULK = 1500;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** The i-th test key: `sk-` + 48 lowercase letters, unique per i. */
function keyOf(i: number): string {
  let digits = '';
  for (let n = i, k = 0; k < 4; k++, n = Math.floor(n / 26)) digits += LETTERS[n % 26];
  return `sk-${digits}${'q'.repeat(44)}`;
}
const plain = () => ({ needsPaid: false, free: false, tried: new Set<number>() });

let db: Db;
let syncs: PoolSync[] = [];
afterEach(() => {
  for (const s of syncs) s.stop();
  syncs = [];
  db.close();
});

function setup() {
  db = openDatabase(':memory:');
  const store = new KeyStore(db);
  const keys = new KeyService(store, new KeyCipher(randomBytes(32)));
  const pool = new KeyPool('round-robin');
  const start = (logger = silentLogger) => {
    const sync = new PoolSync(store, keys, pool, logger);
    syncs.push(sync);
    sync.start();
    return sync;
  };
  return { store, keys, pool, start };
}

describe('PoolSync with many keys', () => {
  it('at start, a key picked before the background decryption reached it is served with its own secret', async () => {
    const { keys, pool, start } = setup();
    const ids = keys.import(Array.from({ length: BULK }, (_, i) => keyOf(i)).join('\n')).addedIds;
    const sync = start();
    expect(pool.size).toBe(BULK);
    expect(pool.isSealed(ids[0]!)).toBe(true);
    const picked = pool.pick(plain())!;
    expect(picked.secret).toBe(keyOf(ids.indexOf(picked.id)));
    expect(pool.get(ids.at(-1)!)!.secret).toBe(keyOf(BULK - 1));
    await sync.opened();
    expect(ids.filter((id) => pool.isSealed(id))).toEqual([]);
    expect(pool.get(ids[700]!)!.secret).toBe(keyOf(700));
  });

  it('a large import is in the pool at once, each key with its own secret, before any is decrypted', () => {
    const { keys, pool, start } = setup();
    start();
    const ids = keys.import(Array.from({ length: BULK }, (_, i) => keyOf(i)).join('\n')).addedIds;
    expect(pool.size).toBe(BULK);
    expect(pool.isSealed(ids[1]!)).toBe(true);
    expect(pool.pick(plain())!.secret).toBe(keyOf(0));
    expect(pool.get(ids[1234]!)!.secret).toBe(keyOf(1234));
  });

  it('a bulk action reads the keys in one query and keeps the uses the proxy has not written yet', () => {
    const { keys, pool, store, start } = setup();
    const ids = keys.import(Array.from({ length: BULK }, (_, i) => keyOf(i)).join('\n')).addedIds;
    const sync = start();
    const used = pool.pick(plain())!;
    pool.succeeded(used);
    pool.succeeded(pool.pick({ ...plain(), tried: new Set(ids.filter((id) => id !== used.id)) })!);
    const reads = vi.spyOn(store, 'get');
    expect(keys.bulk('disable', ids).affected).toBe(BULK);
    expect(reads).not.toHaveBeenCalled();
    expect(pool.enabledCount).toBe(0);
    expect(pool.get(used.id)).toMatchObject({ enabled: false, usageCount: 2 });
    keys.bulk('enable', ids);
    expect(pool.availability().usable).toBe(BULK);
    sync.flush();
    expect(db.prepare('SELECT usage_count FROM keys WHERE id = ?').pluck().get(used.id)).toBe(2);
  });

  it('a bulk delete takes every deleted key out of the pool', () => {
    const { keys, pool, start } = setup();
    const ids = keys.import(Array.from({ length: BULK }, (_, i) => keyOf(i)).join('\n')).addedIds;
    start();
    keys.bulk('delete', ids.slice(0, BULK - 1));
    expect(pool.size).toBe(1);
    expect(pool.pick(plain())!.secret).toBe(keyOf(BULK - 1));
  });

  it('a stored key that does not decrypt is left out of the pool, and the log names its id, not its secret', async () => {
    const { keys, pool, start } = setup();
    const ids = keys.import([keyOf(1), keyOf(2)].join('\n')).addedIds;
    db.prepare('UPDATE keys SET key_cipher = ? WHERE id = ?').run(randomBytes(60), ids[0]);
    const logged: unknown[] = [];
    const logger = { ...silentLogger, error: (obj: unknown) => void logged.push(obj) } as typeof silentLogger;
    const sync = start(logger);
    await sync.opened();
    expect(pool.get(ids[0]!)).toBeUndefined();
    expect(pool.get(ids[1]!)!.secret).toBe(keyOf(2));
    expect(logged).toMatchObject([{ keyId: ids[0] }]);
    expect(JSON.stringify(logged)).not.toContain('sk-');
  });
});
