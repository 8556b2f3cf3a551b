/**
 * Issue 15, idle cost: each write-behind holds a timer only while something waits to be written
 * (or, for the cooling, until the next cool-down ends). The timers are real; an async hook counts the
 * Timeout objects made during the test that are still pending (unref'd ones included, which
 * process.getActiveResourcesInfo leaves out).
 */
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/clients/client-registry.js';
import { ClientStore } from '../../src/clients/client-store.js';
import { ClientSync } from '../../src/clients/client-sync.js';
import { KeyCipher } from '../../src/crypto/key-cipher.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { KeyService } from '../../src/keys/key-service.js';
import { KeyStore } from '../../src/keys/key-store.js';
import { silentLogger } from '../../src/logger.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import { RequestLogWriter } from '../../src/logs/request-log-writer.js';
import { AccountCooling } from '../../src/proxy/pool/account-cooling.js';
import { CoolingStore } from '../../src/proxy/pool/cooling-store.js';
import { CoolingSync } from '../../src/proxy/pool/cooling-sync.js';
import { KeyPool } from '../../src/proxy/pool/key-pool.js';
import { PoolSync } from '../../src/proxy/pool/pool-sync.js';
import { logEntry } from '../helpers/unit-fixtures.js';

const pending = new Set<number>();
/** Set while the test makes a timer of its own (until's sleep), which is not counted. */
let own = false;
const hook = createHook({
  init: (id, type) => void (type === 'Timeout' && !own && pending.add(id)),
  destroy: (id) => void pending.delete(id),
});
beforeEach(() => {
  pending.clear();
  hook.enable();
});
afterEach(() => void hook.disable());
/** Timeouts made since the test began and not yet fired or cleared; destroy hooks arrive a turn late, so wait one. */
const timers = async () => {
  await new Promise((r) => setImmediate(r));
  return pending.size;
};

function sleep(ms: number): Promise<void> {
  own = true;
  try {
    return new Promise((r) => setTimeout(r, ms));
  } finally {
    own = false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await sleep(10);
  }
}

let db: Db;
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  db.close();
});
const count = (sql: string) => db.prepare(sql).pluck().get() as number;

describe('write-behind timers, armed only while something waits', () => {
  it('PoolSync: none after start; the first key change arms one flush; none once it wrote', async () => {
    db = openDatabase(':memory:');
    const store = new KeyStore(db);
    const keys = new KeyService(store, new KeyCipher(randomBytes(32)));
    keys.import('sk-' + 'a'.repeat(48));
    const pool = new KeyPool('round-robin');
    const sync = new PoolSync(store, keys, pool, silentLogger);
    const idle = await timers();
    sync.start();
    stops.push(() => sync.stop());
    expect(await timers()).toBe(idle);
    pool.succeeded(pool.pick({ needsPaid: false, free: false, tried: new Set() })!);
    pool.succeeded(pool.pick({ needsPaid: false, free: false, tried: new Set() })!);
    expect(await timers()).toBe(idle + 1);
    await until(() => count('SELECT usage_count FROM keys') === 2, 'the uses written');
    expect(await timers()).toBe(idle);
  });

  it('RequestLogWriter: none until the first entry; one for a batch; none once it wrote', async () => {
    db = openDatabase(':memory:');
    const idle = await timers();
    const writer = new RequestLogWriter(new RequestLogStore(db), silentLogger, { flushIntervalMs: 20 });
    stops.push(() => writer.close());
    expect(await timers()).toBe(idle);
    writer.write(logEntry({ time: Date.now() }));
    writer.write(logEntry({ time: Date.now() }));
    expect(await timers()).toBe(idle + 1);
    await until(() => count('SELECT COUNT(*) FROM request_logs') === 2, 'the logs written');
    expect(await timers()).toBe(idle);
  });

  it('ClientSync: none after start; a counted request arms one write; none once it wrote', async () => {
    db = openDatabase(':memory:');
    const registry = new ClientRegistry({ hash: (t) => `h:${t}` });
    const sync = new ClientSync(new ClientStore(db), registry, silentLogger);
    const idle = await timers();
    sync.start();
    stops.push(() => sync.stop());
    expect(await timers()).toBe(idle);
    const admin = registry.defaultClient;
    admin.record(0, 10, Date.now());
    registry.changed(admin);
    registry.changed(admin);
    expect(await timers()).toBe(idle + 1);
    await until(() => count('SELECT requests_total FROM clients WHERE id = 0') === 1, 'the usage written');
    expect(await timers()).toBe(idle);
  });

  it('CoolingSync: none with nothing cooling; one to write a cool-down, then one to its end; none after', async () => {
    db = openDatabase(':memory:');
    const cooling = new AccountCooling();
    const sync = new CoolingSync(new CoolingStore(db), cooling, silentLogger);
    const idle = await timers();
    sync.start();
    stops.push(() => sync.stop());
    expect(await timers()).toBe(idle);
    cooling.coolDown({ account: 'x', model: 'm', until: Date.now() + 1500, limit: null, reason: 'HTTP 429' });
    expect(await timers()).toBe(idle + 1);
    const rows = () => count('SELECT COUNT(*) FROM account_cooling');
    await until(() => rows() === 1, 'the cool-down written');
    expect(await timers()).toBe(idle + 1); // waiting for its end
    await until(() => rows() === 0, 'the ended cool-down deleted');
    expect(await timers()).toBe(idle);
  });
});
