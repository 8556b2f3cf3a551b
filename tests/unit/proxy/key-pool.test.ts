import { describe, expect, it } from 'vitest';
import { KEY_STRATEGIES, type KeyStrategy } from '../../../src/config/env.js';
import type { KeyRow } from '../../../src/keys/key-types.js';
import { KeyPool } from '../../../src/proxy/pool/key-pool.js';
import { keyRow } from '../../helpers/unit-fixtures.js';

const row = keyRow;

/** A row whose ledger anchor holds these yuan (as a user/info check would record them). */
const money = (gift: number | null, paid: number | null): Partial<KeyRow> => ({
  anchor_gift_nano: gift === null ? null : Math.round(gift * 100) * 10_000_000,
  anchor_paid_nano: paid === null ? null : Math.round(paid * 100) * 10_000_000,
  anchor_at: 1,
  anchor_source: 'user-info',
});
const total = (yuan: number) => money(yuan, 0);

function poolOf(rows: KeyRow[], strategy: KeyStrategy = 'round-robin') {
  const pool = new KeyPool(strategy);
  for (const r of rows) pool.upsert(r, () => `sk-secret-${r.id}`);
  return { pool };
}

const plain = { needsPaid: false, free: false, tried: new Set<number>() };
const pickIds = (pool: KeyPool, n: number, req = plain) => Array.from({ length: n }, () => pool.pick(req)?.id);

describe('KeyPool', () => {
  it.each(KEY_STRATEGIES)('%s skips disabled, invalid and exhausted keys', (strategy) => {
    const { pool } = poolOf(
      [
        row(1),
        row(2, { enabled: 0 }),
        row(3, { status: 'invalid' }),
        row(4, { status: 'exhausted' }),
        row(5, { status: 'invalid' }),
        row(6, { status: 'error' }),
      ],
      strategy,
    );
    expect(new Set(pickIds(pool, 40))).toEqual(new Set([1, 6]));
  });

  it.each(KEY_STRATEGIES)('%s never returns a key already tried in the request', (strategy) => {
    const { pool } = poolOf(
      [1, 2, 3, 4, 5].map((id) => row(id, total(id))),
      strategy,
    );
    const tried = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const k = pool.pick({ ...plain, tried })!;
      expect(tried.has(k.id)).toBe(false);
      tried.add(k.id);
    }
    expect(pool.pick({ ...plain, tried })).toBeUndefined();
  });

  it('round-robin takes turns', () => {
    const { pool } = poolOf([row(1), row(2), row(3)]);
    expect(pickIds(pool, 6)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('highest-balance and lowest-balance order by known balance, unknown last', () => {
    const rows = [row(1, total(5)), row(2, total(50)), row(3), row(4, total(0.5))];
    expect(poolOf(rows, 'highest-balance').pool.pick(plain)?.id).toBe(2);
    expect(poolOf(rows, 'lowest-balance').pool.pick(plain)?.id).toBe(4);
    const tried = new Set([2, 1, 4]);
    expect(poolOf(rows, 'highest-balance').pool.pick({ ...plain, tried })?.id).toBe(3);
  });

  it('least-used spreads requests evenly', () => {
    const { pool } = poolOf([row(1, { usage_count: 10 }), row(2), row(3)], 'least-used');
    const ids = pickIds(pool, 20);
    expect(ids.filter((id) => id === 1)).toHaveLength(0);
    expect(Math.abs(ids.filter((id) => id === 2).length - ids.filter((id) => id === 3).length)).toBeLessThanOrEqual(1);
  });

  it('balance-weighted picks in proportion to balance', () => {
    const { pool } = poolOf([row(1, total(90)), row(2, total(10))], 'balance-weighted');
    const ids = pickIds(pool, 2000);
    const share = ids.filter((id) => id === 1).length / ids.length;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
  });

  it('Pro/ requests try keys with estimated paid credit first, then unknown, then none, never those that answered 30011', () => {
    const { pool } = poolOf([row(1, money(null, 0)), row(2, money(null, 3)), row(3), row(4, { lacks_paid: 1, lacks_paid_at: Date.now() })]);
    const tried = new Set<number>();
    const order: number[] = [];
    for (let k = pool.pick({ needsPaid: true, free: false, tried }); k; k = pool.pick({ needsPaid: true, free: false, tried })) {
      order.push(k.id);
      tried.add(k.id);
    }
    expect(order).toEqual([2, 3, 1]);
  });

  it('free models go to exhausted keys first, then to funded ones', () => {
    const { pool } = poolOf([row(1), row(2, { status: 'exhausted' })]);
    const tried = new Set<number>();
    expect(pool.pick({ needsPaid: false, free: true, tried })?.id).toBe(2);
    tried.add(2);
    expect(pool.pick({ needsPaid: false, free: true, tried })?.id).toBe(1);
    expect(pool.pick(plain)?.id).toBe(1);
  });

  // Behaviour changed (issue 13): a 429 cools the key's account per model (AccountCooling), not the key.
  it("a 429 leaves the key's status and groups alone: it is noted as a failed use with its last error", () => {
    const { pool } = poolOf([row(1)]);
    const k = pool.pick(plain)!;
    pool.rateLimited(k, 'HTTP 429');
    expect(k.status).toBe('active');
    expect(pool.availability()).toEqual({ usable: 1, exhausted: 0 });
    expect(pool.takeChanges()[0]).toEqual(expect.objectContaining({ key: k, usageDelta: 1, failureDelta: 1, lastError: 'HTTP 429' }));
  });

  it("a row stored as 'cooling' by an older version comes back as an active key", () => {
    const { pool } = poolOf([row(1, { status: 'cooling' as 'active', cooling_until: Date.now() + 60_000 })]);
    expect(pool.get(1)!.status).toBe('active');
    expect(pool.pick(plain)?.id).toBe(1);
  });

  it('servingAccounts: the accounts of the usable keys, rebuilt after a key changes groups', () => {
    const { pool } = poolOf([row(1, { account: 'A' }), row(2, { account: 'A' }), row(3), row(4, { status: 'invalid', account: 'B' })]);
    expect([...pool.servingAccounts()]).toEqual([
      ['A', 2],
      ['key:3', 1],
    ]);
    pool.markInvalid(pool.get(3)!, 'HTTP 401');
    expect([...pool.servingAccounts()]).toEqual([['A', 2]]);
  });

  it('upstream trouble marks a key error only after several in a row, and a success resets it', () => {
    const { pool } = poolOf([row(1)]);
    const k = pool.pick(plain)!;
    pool.troubled(k, '503', 3);
    pool.troubled(k, '503', 3);
    expect(k.status).toBe('active');
    pool.troubled(k, '503', 3);
    expect(k.status).toBe('error');
    expect(pool.pick(plain)?.id).toBe(1); // error keys still serve
    pool.succeeded(k);
    expect(k.status).toBe('active');
    expect(k.consecutiveFailures).toBe(0);
  });

  it('30011 keeps the key for other models but not for Pro/', () => {
    const { pool } = poolOf([row(1)]);
    pool.markLacksPaid(pool.pick(plain)!, '30011');
    expect(pool.pick(plain)?.id).toBe(1);
    expect(pool.pick({ needsPaid: true, free: false, tried: new Set() })).toBeUndefined();
  });

  it('an admin edit keeps what the proxy learned; a check replaces it', () => {
    const { pool } = poolOf([row(1)]);
    pool.markInvalid(pool.get(1)!, '401');
    pool.upsert(row(1, { note: 'edited' }), () => 'x', { keepState: true });
    expect(pool.get(1)!.status).toBe('invalid');
    pool.upsert(row(1, { status: 'active' }), () => 'x');
    expect(pool.get(1)!.status).toBe('active');
  });

  it('switching strategy keeps every key in its place', () => {
    const { pool } = poolOf([row(1), row(2, { status: 'exhausted' }), row(3, { enabled: 0 })]);
    pool.useStrategy('least-used');
    expect(new Set(pickIds(pool, 5))).toEqual(new Set([1]));
    expect(pool.counts()).toEqual({ active: 1, exhausted: 1, invalid: 0, error: 0, disabled: 1 });
  });

  it('counts the enabled keys as they are added, switched off and on, reloaded and removed', () => {
    const { pool } = poolOf([row(1), row(2, { enabled: 0 }), row(3, { status: 'invalid' })]);
    const enabled = () => pool.size - pool.counts().disabled;
    expect(pool.enabledCount).toBe(2);
    pool.upsert(row(1, { enabled: 0 }), () => 'x', { keepState: true });
    pool.upsert(row(1, { enabled: 0, note: 'again' }), () => 'x', { keepState: true });
    expect(pool.enabledCount).toBe(1);
    pool.upsert(row(2), () => 'x');
    pool.upsert(row(4), () => 'x');
    expect(pool.enabledCount).toBe(3);
    pool.remove(3);
    pool.remove(1);
    pool.remove(99);
    expect(pool.enabledCount).toBe(2);
    expect(pool.enabledCount).toBe(enabled());
  });

  it('removing a key takes it out of every group', () => {
    const { pool } = poolOf([row(1), row(2)]);
    pool.remove(1);
    expect(new Set(pickIds(pool, 4))).toEqual(new Set([2]));
    expect(pool.size).toBe(1);
  });
});

describe('KeyPool changes to save', () => {
  const ids = (changes: { key: { id: number } }[]) => changes.map((c) => c.key.id);

  it('a key changed several times before a save comes out once, with its counts added up', () => {
    const { pool } = poolOf([row(1)]);
    const k = pool.get(1)!;
    pool.succeeded(k);
    pool.succeeded(k);
    pool.troubled(k, '503', 3);
    expect(pool.takeChanges()).toEqual([{ key: k, usageDelta: 3, failureDelta: 1, lastError: '503' }]);
    expect(pool.takeChanges()).toEqual([]);
  });

  it('keys whose state changed come out before keys that only counted a use, each oldest first', () => {
    const { pool } = poolOf([row(1), row(2), row(3), row(4)]);
    pool.succeeded(pool.get(1)!);
    pool.rateLimited(pool.get(4)!, 'HTTP 429');
    pool.succeeded(pool.get(2)!);
    pool.markInvalid(pool.get(3)!, 'HTTP 401');
    pool.succeeded(pool.get(4)!);
    expect(ids(pool.takeChanges(1))).toEqual([4]);
    expect(ids(pool.takeChanges(2))).toEqual([3, 1]);
    expect(ids(pool.takeChanges())).toEqual([2]);
  });

  it('a counted key whose state changes later moves ahead of the counters', () => {
    const { pool } = poolOf([row(1), row(2)]);
    pool.succeeded(pool.get(1)!);
    pool.succeeded(pool.get(2)!);
    pool.markExhausted(pool.get(2)!, '30001');
    expect(ids(pool.takeChanges())).toEqual([2, 1]);
  });

  it('a key recovered from error is a state change, and the recovery clears the last error', () => {
    const { pool } = poolOf([row(2), row(3, { status: 'error' })]);
    pool.succeeded(pool.get(2)!);
    pool.succeeded(pool.get(3)!);
    const changes = pool.takeChanges();
    expect(ids(changes)).toEqual([3, 2]);
    expect(changes[0]).toMatchObject({ usageDelta: 1, failureDelta: 0, lastError: null });
  });

  it("a deleted key's unsaved changes are dropped", () => {
    const { pool } = poolOf([row(1), row(2)]);
    pool.markInvalid(pool.get(1)!, 'HTTP 401');
    pool.succeeded(pool.get(2)!);
    pool.remove(1);
    expect(ids(pool.takeChanges())).toEqual([2]);
  });

  it('what a request learns about a key deleted meanwhile changes nothing, even when a new key took its id', () => {
    const { pool } = poolOf([row(1)]);
    const old = pool.pick(plain)!;
    pool.remove(1);
    pool.upsert(row(1), () => 'sk-new');
    pool.markInvalid(old, 'HTTP 401');
    pool.troubled(old, '503', 1);
    expect(pool.get(1)!.status).toBe('active');
    expect(pool.takeChanges()).toEqual([]);
  });

  it('uses not saved yet survive a reload of the stored row', () => {
    const { pool } = poolOf([row(1, { usage_count: 5 })]);
    pool.succeeded(pool.pick(plain)!);
    pool.upsert(row(1, { usage_count: 5, note: 'edited' }), () => 'x', { keepState: true });
    expect(pool.get(1)!.usageCount).toBe(6);
    pool.takeChanges();
    pool.upsert(row(1, { usage_count: 6 }), () => 'x');
    expect(pool.get(1)!.usageCount).toBe(6);
  });
});
