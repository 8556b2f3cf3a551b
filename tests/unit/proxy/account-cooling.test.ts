import { describe, expect, it } from 'vitest';
import { PoolBackoff } from '../../../src/proxy/backoff.js';
import { AccountCooling, type CoolingEntry } from '../../../src/proxy/pool/account-cooling.js';

const NOW = 1_000_000;
const entry = (account: string, model: string, until: number, limit: CoolingEntry['limit'] = 'RPM'): CoolingEntry => ({
  account,
  model,
  until,
  limit,
  reason: 'HTTP 429',
});

describe('AccountCooling', () => {
  it('blocks the account for that model only, until the end', () => {
    const c = new AccountCooling();
    c.coolDown(entry('x', 'a', NOW + 1000));
    expect(c.blockedUntil('x', 'a', NOW)).toBe(NOW + 1000);
    expect(c.blockedUntil('x', 'b', NOW)).toBe(0);
    expect(c.blockedUntil('y', 'a', NOW)).toBe(0);
    expect(c.blockedUntil('x', 'a', NOW + 1000)).toBe(0);
    expect(c.list(NOW)).toEqual([]); // dropped when met expired
  });

  it('a shorter cool-down arriving during a longer one leaves the longer', () => {
    const c = new AccountCooling();
    c.coolDown(entry('x', 'a', NOW + 86_400_000, 'RPD'));
    c.coolDown(entry('x', 'a', NOW + 60_000, 'RPM'));
    expect(c.list(NOW)).toMatchObject([{ limit: 'RPD' }]);
    expect(c.takeUnsaved()).toHaveLength(1);
    c.coolDown(entry('x', 'a', NOW + 2 * 86_400_000, 'RPD'));
    expect(c.takeUnsaved()).toHaveLength(1);
    expect(c.takeUnsaved()).toEqual([]);
  });

  it('sweep drops what is over and says so once; loaded entries are not unsaved', () => {
    const c = new AccountCooling();
    c.load([entry('x', 'a', NOW + 10), entry('y', 'a', NOW - 1), entry('y', '', NOW + 5000)], NOW);
    expect(c.takeUnsaved()).toEqual([]);
    expect(c.sweep(NOW)).toBe(false);
    expect(c.sweep(NOW + 10)).toBe(true);
    expect(c.sweep(NOW + 10)).toBe(false);
    expect(c.coolsAny('x', NOW + 10)).toBe(false);
    expect(c.coolsAny('y', NOW + 10)).toBe(true);
    expect(c.ofAccount('y', NOW)).toMatchObject([{ model: '' }]);
  });
});

describe('the pool-wide 429 back-off counts accounts per model', () => {
  const serving = new Map(['x', 'y', 'z', 'w', 'v'].map((a) => [a, 1]));

  it("one account's 429s on many keys count once", () => {
    const b = new PoolBackoff();
    for (let i = 0; i < 10; i++) expect(b.rateLimited('x', 'a', serving, 30_000, NOW + i)).toBe(false);
    expect(b.remaining(NOW)).toBe(0);
  });

  it('over half of the accounts for one model within 10 s trips it; other models do not add up', () => {
    const b = new PoolBackoff();
    expect(b.rateLimited('x', 'a', serving, 30_000, NOW)).toBe(false);
    expect(b.rateLimited('y', 'b', serving, 30_000, NOW)).toBe(false);
    expect(b.rateLimited('z', 'a', serving, 30_000, NOW)).toBe(false);
    expect(b.rateLimited('y', 'a', serving, 30_000, NOW + 11_000)).toBe(false); // x and z are too old by now
    expect(b.rateLimited('w', 'a', serving, 30_000, NOW + 11_001)).toBe(false);
    expect(b.rateLimited('v', 'a', serving, 30_000, NOW + 11_002)).toBe(true);
    expect(b.remaining(NOW + 11_002)).toBe(30_000);
    expect(b.remainingOf('rate-limited', NOW + 11_002)).toBe(30_000);
    expect(b.remainingOf('ip-blocked', NOW + 11_002)).toBe(0);
  });

  it('keeps the time left of each reason apart, and remaining() is the later of the two', () => {
    const b = new PoolBackoff();
    b.trip(120_000, 'ip-blocked', NOW);
    b.trip(30_000, 'rate-limited', NOW + 1000);
    expect(b.remainingOf('ip-blocked', NOW + 1000)).toBe(119_000);
    expect(b.remainingOf('rate-limited', NOW + 1000)).toBe(30_000);
    expect(b.remaining(NOW + 1000)).toBe(119_000);
    expect(b.remainingOf('ip-blocked', NOW + 200_000)).toBe(0);
  });

  it('an account that no longer serves does not count', () => {
    const b = new PoolBackoff();
    const few = new Map([
      ['x', 1],
      ['y', 1],
      ['z', 1],
    ]);
    b.rateLimited('gone', 'a', few, 30_000, NOW);
    b.rateLimited('x', 'a', few, 30_000, NOW);
    expect(b.rateLimited('y', 'a', few, 30_000, NOW)).toBe(false);
    expect(b.rateLimited('z', 'a', few, 30_000, NOW)).toBe(true);
  });
});
