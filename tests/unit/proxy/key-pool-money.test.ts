import { describe, expect, it } from 'vitest';
import type { KeyStrategy } from '../../../src/config/env.js';
import type { KeyRow } from '../../../src/keys/key-types.js';
import { KeyPool } from '../../../src/proxy/pool/key-pool.js';
import { keyRow } from '../../helpers/unit-fixtures.js';

const Y = 1_000_000_000; // one yuan in nano-yuan
const T0 = 1_700_000_000_000;

const row = keyRow;

/** A row anchored by the admin at these yuan (null = unknown), at `at`. */
const anchor = (gift: number | null, paid: number | null, at = T0): Partial<KeyRow> => ({
  anchor_gift_nano: gift === null ? null : gift * Y,
  anchor_paid_nano: paid === null ? null : paid * Y,
  anchor_at: at,
  anchor_source: 'admin',
});

function poolOf(rows: KeyRow[], strategy: KeyStrategy = 'round-robin') {
  const pool = new KeyPool(strategy);
  for (const r of rows) pool.upsert(r, () => `sk-secret-${r.id}`);
  return pool;
}

const plain = { needsPaid: false, free: false, tried: new Set<number>() };
const pro = { needsPaid: true, free: false, tried: new Set<number>() };
/** Every key a request would try, in order. */
function order(pool: KeyPool, request: { needsPaid: boolean; free: boolean }, now = Date.now()): number[] {
  const tried = new Set<number>();
  for (let k = pool.pick({ ...request, tried }, now); k; k = pool.pick({ ...request, tried }, now)) tried.add(k.id);
  return [...tried];
}

describe('KeyPool: the estimate of each key', () => {
  it('charges gift credit first, then paid; Pro/ from paid only; the estimate and the spend to save follow', () => {
    const pool = poolOf([row(1, anchor(1, 5))]);
    const k = pool.get(1)!;
    expect(pool.charge(k, Y / 2, false)).toEqual({ gift: Y / 2, paid: 0 });
    expect(pool.charge(k, Y, false)).toEqual({ gift: Y / 2, paid: Y / 2 });
    expect(pool.charge(k, 2 * Y, true)).toEqual({ gift: 0, paid: 2 * Y });
    expect(k).toMatchObject({ chargeBalance: 2.5 * Y, totalBalance: 2.5 * Y });
    expect(pool.takeChanges()).toEqual([
      expect.objectContaining({ spend: { gift: Y, paid: 2.5 * Y, unsplit: 0, against: { at: T0, source: 'admin' } }, anchor: undefined }),
    ]);
  });

  it('cannot split a cost while the gift credit is unknown: it is kept apart, and the total stays unknown', () => {
    const pool = poolOf([row(1)]);
    expect(pool.charge(pool.get(1)!, 7, false)).toEqual({ gift: null, paid: null });
    expect(pool.get(1)).toMatchObject({ chargeBalance: null, totalBalance: null });
    expect(pool.takeChanges()[0]!.spend).toEqual({ gift: 0, paid: 0, unsplit: 7, against: { at: null, source: null } });
  });

  it('30001: nothing left, a new anchor saved before anything else; the spend before it is past', () => {
    const pool = poolOf([row(1, anchor(14, 0)), row(2)]);
    const k = pool.get(1)!;
    pool.charge(k, Y, false);
    pool.succeeded(pool.get(2)!);
    pool.markExhausted(k, '30001', T0 + 5);
    expect(k).toMatchObject({ status: 'exhausted', totalBalance: 0, money: { anchorSource: 'signal', anchorAt: T0 + 5 } });
    const [first] = pool.takeChanges();
    expect(first).toMatchObject({
      key: k,
      anchor: { gift: 0, paid: 0, at: T0 + 5, replaces: { at: T0, source: 'admin' } },
      spend: undefined,
    });
  });

  it('30011: no paid credit (the gift estimate stands); no Pro/ until PAID_RECHECK, then last; a new 30011 waits again', () => {
    const pool = poolOf([row(1, anchor(14, null)), row(2, anchor(0, 3))]);
    pool.usePaidRecheck(60_000, T0);
    pool.markLacksPaid(pool.get(1)!, '30011', T0);
    expect(pool.get(1)).toMatchObject({ lacksPaidAt: T0, chargeBalance: 0, totalBalance: 14 * Y });
    expect(order(pool, pro, T0 + 59_999)).toEqual([2]);
    expect(order(pool, plain, T0 + 59_999)).toEqual([1, 2]);
    expect(order(pool, pro, T0 + 60_000)).toEqual([2, 1]);
    pool.markLacksPaid(pool.get(1)!, '30011', T0 + 60_001);
    expect(order(pool, pro, T0 + 60_002)).toEqual([2]);
    expect(order(pool, pro, T0 + 120_001)).toEqual([2, 1]);
  });

  it('a shorter PAID_RECHECK applies to keys already waiting', () => {
    const pool = poolOf([row(1, { lacks_paid: 1, lacks_paid_at: T0 })]);
    pool.usePaidRecheck(3_600_000, T0);
    expect(order(pool, pro, T0 + 120_000)).toEqual([]);
    pool.usePaidRecheck(60_000, T0 + 120_000);
    expect(order(pool, pro, T0 + 120_000)).toEqual([1]);
  });

  it('a Pro/ answer while the estimate knew no paid credit: paid credit becomes unknown, flagged; a 30011 is over', () => {
    const pool = poolOf([row(1, anchor(14, 0)), row(2, anchor(0, 3))]);
    pool.markLacksPaid(pool.get(1)!, '30011', T0);
    pool.takeChanges();
    pool.paidCreditShown(pool.get(1)!, T0 + 10);
    expect(pool.get(1)).toMatchObject({ lacksPaidAt: null, chargeBalance: null, money: { anchorGift: 14 * Y, anchorAt: T0 + 10 } });
    expect(pool.takeChanges()).toEqual([
      expect.objectContaining({
        paidFoundAt: T0 + 10,
        anchor: { gift: 14 * Y, paid: null, at: T0 + 10, replaces: { at: T0, source: 'signal' } },
      }),
    ]);
    pool.paidCreditShown(pool.get(2)!, T0 + 20); // expected paid credit: nothing to correct
    expect(pool.takeChanges()).toEqual([]);
    expect(order(pool, pro)).toEqual([2, 1]);
  });
});

/** The order as tiers: which keys come before which (the strategy orders keys within a tier). */
const tiers = (ids: number[], sizes: number[]) =>
  sizes.map((n, i) =>
    ids
      .slice(sizes.slice(0, i).reduce((a, b) => a + b, 0))
      .slice(0, n)
      .sort(),
  );

describe('KeyPool: MIN_BALANCE and the funded-first choice', () => {
  const rows = () => [
    row(1, anchor(0.5, 0)),
    row(2, anchor(5, 0)),
    row(3),
    row(4, anchor(0, 0)),
    row(5, { status: 'exhausted', ...anchor(0, 0) }),
  ];

  it('paid models: keys estimated at MIN_BALANCE or less go to the back, never out; exhausted keys are not tried', () => {
    const pool = poolOf(rows());
    pool.useMinBalance(Y);
    expect(tiers(order(pool, plain), [2, 2])).toEqual([
      [2, 3],
      [1, 4],
    ]);
    expect(pool.counts()).toMatchObject({ active: 4, exhausted: 1 });
    pool.useMinBalance(0);
    expect(tiers(order(pool, plain), [3, 1])).toEqual([[1, 2, 3], [4]]);
  });

  it('free models: exhausted keys first, then as for paid models', () => {
    const pool = poolOf(rows());
    pool.useMinBalance(Y);
    expect(tiers(order(pool, { needsPaid: false, free: true }), [1, 2, 2])).toEqual([[5], [2, 3], [1, 4]]);
  });

  it('Pro/ models: estimated paid credit above MIN_BALANCE, then unknown, then low', () => {
    const pool = poolOf([row(1, anchor(9, 0.5)), row(2, anchor(0, 2)), row(3, anchor(9, null)), row(4, anchor(9, 0))]);
    pool.useMinBalance(Y);
    expect(tiers(order(pool, pro), [1, 1, 2])).toEqual([[2], [3], [1, 4]]);
  });

  it('a key that spends down to MIN_BALANCE moves to the back at once', () => {
    const pool = poolOf([row(1, anchor(2, 0)), row(2, anchor(0.5, 0))]);
    pool.useMinBalance(Y);
    const k = pool.pick(plain)!;
    expect(k.id).toBe(1);
    pool.charge(k, Y, false);
    expect(order(pool, plain)).toEqual([2, 1]);
  });

  it.each(['highest-balance', 'lowest-balance', 'balance-weighted'] as const)('%s orders by the estimate as it is spent', (strategy) => {
    const pool = poolOf([row(1, anchor(10, 0)), row(2, anchor(6, 0))], strategy);
    pool.charge(pool.get(1)!, 8 * Y, false);
    const picks = Array.from({ length: 200 }, () => pool.pick(plain)!.id);
    const share = picks.filter((id) => id === 2).length / picks.length;
    if (strategy === 'highest-balance') expect(share).toBe(1);
    else if (strategy === 'lowest-balance') expect(share).toBe(0);
    else expect(share).toBeGreaterThan(0.65);
  });
});

describe('KeyPool: a reloaded row and the spend not saved yet', () => {
  it('the same anchor: the unsaved spend is kept on top of the stored one', () => {
    const pool = poolOf([row(1, { ...anchor(14, 0), spent_gift_nano: Y })]);
    pool.charge(pool.get(1)!, 2 * Y, false);
    pool.upsert(row(1, { ...anchor(14, 0), spent_gift_nano: Y, note: 'edited' }), () => 'x', { keepState: true });
    expect(pool.get(1)!.totalBalance).toBe(11 * Y);
    expect(pool.takeChanges()[0]!.spend).toMatchObject({ gift: 2 * Y, against: { at: T0, source: 'admin' } });
  });

  it("a newer anchor (the admin's, a check's): the spend from before it is dropped, not saved over it", () => {
    const pool = poolOf([row(1, anchor(14, 0))]);
    pool.charge(pool.get(1)!, 2 * Y, false);
    pool.upsert(row(1, anchor(20, 0, T0 + 100)), () => 'x', { keepState: true });
    expect(pool.get(1)!.totalBalance).toBe(20 * Y);
    expect(pool.takeChanges()[0]!.spend).toBeUndefined();
    pool.charge(pool.get(1)!, Y, false);
    expect(pool.takeChanges()[0]!.spend).toEqual({ gift: Y, paid: 0, unsplit: 0, against: { at: T0 + 100, source: 'admin' } });
  });

  it('an anchor the proxy learned stands through an edit of the row it has not reached yet, and loses to a newer one', () => {
    const pool = poolOf([row(1, anchor(14, 5))]);
    pool.markExhausted(pool.get(1)!, '30001', T0 + 5);
    pool.upsert(row(1, { ...anchor(14, 5), note: 'edited' }), () => 'x', { keepState: true });
    expect(pool.get(1)!).toMatchObject({ totalBalance: 0, status: 'exhausted' });
    pool.upsert(row(1, anchor(3, 0, T0 + 9)), () => 'x', { keepState: true });
    expect(pool.get(1)!.totalBalance).toBe(3 * Y);
    expect(pool.takeChanges()[0]!.anchor).toBeUndefined();
  });

  it('paid credit in a new anchor (a top-up, a balance set) ends a 30011 at once; gift credit alone does not', () => {
    const pool = poolOf([row(1, anchor(14, 0)), row(2, anchor(14, 0))]);
    for (const id of [1, 2]) pool.markLacksPaid(pool.get(id)!, '30011', Date.now());
    pool.takeChanges();
    pool.upsert(row(1, anchor(14, 100, Date.now() + 1)), () => 'x', { keepState: true });
    pool.upsert(row(2, anchor(20, 0, Date.now() + 1)), () => 'x', { keepState: true });
    expect(pool.get(1)!.lacksPaidAt).toBeNull();
    expect(pool.get(2)!.lacksPaidAt).not.toBeNull();
    expect(order(pool, pro)).toEqual([1]);
  });
});
