import { describe, expect, it } from 'vitest';
import { anchored, balanceOf, charge, NO_MONEY, noPaidCredit, outOfMoney, paidCreditFound, toppedUp } from '../../../src/ledger/balance.js';

const Y = 1_000_000_000; // one yuan in nano-yuan

describe('a key balance: an anchor and the spend since', () => {
  it('knows nothing without an anchor, and says so', () => {
    expect(balanceOf(NO_MONEY)).toMatchObject({ gift: null, paid: null, total: null, kind: 'unknown' });
  });

  it('is exact when SiliconFlow said it and nothing was spent since; estimated after a charge', () => {
    const m = anchored(14 * Y, 0, 'user-info', 1000);
    expect(balanceOf(m)).toEqual({ gift: 14 * Y, paid: 0, total: 14 * Y, kind: 'exact', source: 'user-info', at: 1000 });
    expect(balanceOf(charge(m, 1, false).money)).toMatchObject({ gift: 14 * Y - 1, kind: 'estimated' });
    expect(balanceOf(anchored(14 * Y, 0, 'admin', 1)).kind).toBe('estimated');
  });

  it('spends gift credit first, then paid credit, exactly', () => {
    const m = anchored(1 * Y, 5 * Y, 'admin', 1);
    const first = charge(m, Y / 2, false);
    expect(first.split).toEqual({ gift: Y / 2, paid: 0 });
    const second = charge(first.money, Y, false);
    expect(second.split).toEqual({ gift: Y / 2, paid: Y / 2 });
    expect(balanceOf(second.money)).toMatchObject({ gift: 0, paid: 4.5 * Y, total: 4.5 * Y });
  });

  it('Pro/ models spend paid credit only, even with gift credit left', () => {
    const { split, money } = charge(anchored(14 * Y, 2 * Y, 'admin', 1), Y, true);
    expect(split).toEqual({ gift: 0, paid: Y });
    expect(balanceOf(money)).toMatchObject({ gift: 14 * Y, paid: Y });
  });

  it('cannot split a cost while the gift credit is unknown, but still counts it against the total', () => {
    const { split, money } = charge(anchored(null, 3 * Y, 'admin', 1), Y, false);
    expect(split).toEqual({ gift: null, paid: null });
    expect(balanceOf(money)).toMatchObject({ gift: null, paid: 3 * Y, total: null, kind: 'estimated' });
    expect(money.spentUnsplit).toBe(Y);
  });

  it('a paid charge larger than the paid credit left goes below zero, as SiliconFlow shows it', () => {
    const { money } = charge(anchored(0, Y / 100, 'user-info', 1), Y / 50, false);
    expect(balanceOf(money).paid).toBe(-Y / 100);
  });

  it('a top-up carries on from the estimate, on the paid side', () => {
    const spent = charge(anchored(14 * Y, 0, 'user-info', 1), 4 * Y, false).money;
    expect(balanceOf(toppedUp(spent, 100 * Y, 50))).toEqual({
      gift: 10 * Y,
      paid: 100 * Y,
      total: 110 * Y,
      kind: 'estimated',
      source: 'top-up',
      at: 50,
    });
  });
});

describe('hard signals from real calls correct the estimate at once', () => {
  const estimate = charge(anchored(14 * Y, 3 * Y, 'admin', 1), 2 * Y, false).money; // ≈ gift 12, paid 3

  it('30001: nothing left', () => {
    expect(balanceOf(outOfMoney(9))).toEqual({ gift: 0, paid: 0, total: 0, kind: 'exact', source: 'signal', at: 9 });
  });

  it('30011: no paid credit; the gift estimate stands, and stays an estimate', () => {
    expect(balanceOf(noPaidCredit(estimate, 9))).toEqual({
      gift: 12 * Y,
      paid: 0,
      total: 12 * Y,
      kind: 'estimated',
      source: 'signal',
      at: 9,
    });
    // Even from an exact figure: the gift side was the ledger's estimate when the 30011 came.
    const fromExact = charge(anchored(14 * Y, 3 * Y, 'user-info', 1), 2 * Y, false).money;
    expect(balanceOf(noPaidCredit(fromExact, 9)).kind).toBe('estimated');
    expect(balanceOf(charge(noPaidCredit(estimate, 9), Y, false).money)).toMatchObject({ gift: 11 * Y, paid: 0 });
  });

  it('a Pro/ success without known paid credit: there is paid credit of unknown amount', () => {
    const none = noPaidCredit(estimate, 9);
    expect(balanceOf(paidCreditFound(none, 10)!)).toMatchObject({
      gift: 12 * Y,
      paid: null,
      total: null,
      kind: 'estimated',
      source: 'signal',
      at: 10,
    });
    expect(paidCreditFound(estimate, 10)).toBeNull(); // paid credit was expected: nothing to correct
  });

  it('an exact anchor with unknown paid credit is not exact as a whole', () => {
    expect(balanceOf(anchored(5 * Y, null, 'user-info', 1)).kind).toBe('estimated');
  });
});
