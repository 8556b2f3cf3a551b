import { describe, expect, it } from 'vitest';
import { KEY_STRATEGIES } from '../../../src/config/env.js';
import type { AccountBlock } from '../../../src/proxy/pool/account-block.js';
import { KeyPool } from '../../../src/proxy/pool/key-pool.js';
import { keyRow } from '../../helpers/unit-fixtures.js';

const NOW = 1_000_000;

/** A block that keeps the named accounts from one model until the given times. */
const blocking = (model: string, until: Record<string, number>): AccountBlock => ({
  blockedUntil: (account, m) => (m === model ? (until[account] ?? 0) : 0),
});

function poolOf(strategy: (typeof KEY_STRATEGIES)[number]) {
  const pool = new KeyPool(strategy);
  pool.upsert(keyRow(1, { account: 'acct-a' }), () => 'sk-1');
  pool.upsert(keyRow(2, { account: 'acct-a' }), () => 'sk-2');
  pool.upsert(keyRow(3), () => 'sk-3');
  return pool;
}

describe('KeyPool with account blocks', () => {
  it.each(KEY_STRATEGIES)('%s passes over every key of a blocked account for that model only', (strategy) => {
    const pool = poolOf(strategy);
    pool.useBlocks([blocking('m-a', { 'acct-a': NOW + 60_000 })]);
    const picks = Array.from({ length: 20 }, () => pool.pick({ needsPaid: false, free: false, tried: new Set(), model: 'm-a' }, NOW)?.id);
    expect(new Set(picks)).toEqual(new Set([3]));
    const other = Array.from({ length: 30 }, () => pool.pick({ needsPaid: false, free: false, tried: new Set(), model: 'm-b' }, NOW)?.id);
    expect(new Set(other).size).toBeGreaterThan(1);
  });

  it('finds no key when every account is blocked, and says when the first comes back', () => {
    const pool = poolOf('round-robin');
    pool.useBlocks([blocking('m', { 'acct-a': NOW + 60_000, 'key:3': NOW + 5_000 })]);
    const blocked = { until: 0 };
    expect(pool.pick({ needsPaid: false, free: false, tried: new Set(), model: 'm', blocked }, NOW)).toBeUndefined();
    expect(blocked.until).toBe(NOW + 5_000);
  });

  it('a block that has ended keeps nothing out', () => {
    const pool = poolOf('round-robin');
    pool.useBlocks([blocking('m', { 'acct-a': NOW, 'key:3': NOW - 1 })]);
    const blocked = { until: 0 };
    expect(pool.pick({ needsPaid: false, free: false, tried: new Set(), model: 'm', blocked }, NOW)).toBeDefined();
    expect(blocked.until).toBe(0);
  });
});
