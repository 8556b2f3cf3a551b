import { describe, expect, it } from 'vitest';
import { chinaDayStart, LocalLimits } from '../../../src/proxy/pool/local-limits.js';

/**
 * The local budgets' windows (ACCOUNT_LIMITS): requests per minute and per China day, tokens per
 * minute, per account × model, reset by the clock (no timer), and the most specific line winning.
 */
const V3 = 'deepseek-ai/DeepSeek-V3';
const R1 = 'deepseek-ai/DeepSeek-R1';
/** 2026-12-01 10:00:30 in China (02:00:30 UTC): half a minute into a minute. */
const T = Date.UTC(2026, 11, 1, 2, 0, 30);
const NEXT_MINUTE = Date.UTC(2026, 11, 1, 2, 1, 0);
/** The next China midnight: 2026-12-01 16:00 UTC. */
const CHINA_MIDNIGHT = Date.UTC(2026, 11, 1, 16, 0, 0);

const key = (account: string | null, id = 1) => ({ id, account });

function limits(...lines: string[]) {
  const l = new LocalLimits();
  l.useLines(lines);
  return l;
}

describe('local budgets', () => {
  it('blocks an account for a model once its RPM is used, until the next minute', () => {
    const l = limits('* * rpm=2');
    l.noteUse(key('a'), V3, T);
    expect(l.blockedUntil('a', V3, T)).toBe(0);
    l.noteUse(key('a'), V3, T + 1);
    expect(l.blockedUntil('a', V3, T + 2)).toBe(NEXT_MINUTE);
    expect(l.blockedUntil('b', V3, T + 2)).toBe(0);
    expect(l.blockedUntil('a', R1, T + 2)).toBe(0);
    expect(l.blockedUntil('a', V3, NEXT_MINUTE)).toBe(0);
  });

  it('counts tokens in the minute they are reported, and blocks once they reach the TPM', () => {
    const l = limits('* * tpm=1000');
    l.noteTokens(key('a'), V3, 999, T);
    expect(l.blockedUntil('a', V3, T)).toBe(0);
    l.noteTokens(key('a'), V3, 1, T);
    expect(l.blockedUntil('a', V3, T)).toBe(NEXT_MINUTE);
    expect(l.blockedUntil('a', V3, NEXT_MINUTE + 5)).toBe(0);
  });

  it('counts RPD per China day: blocked until the China midnight, not the UTC one', () => {
    const l = limits(`* ${V3} rpd=1`);
    l.noteUse(key('a'), V3, T);
    expect(l.blockedUntil('a', V3, T + 3_600_000)).toBe(CHINA_MIDNIGHT);
    expect(l.blockedUntil('a', V3, CHINA_MIDNIGHT)).toBe(0);
    expect(chinaDayStart(CHINA_MIDNIGHT - 1)).toBe(CHINA_MIDNIGHT - 86_400_000);
  });

  it('takes the most specific line: the account over *, an exact model over the longest prefix over *', () => {
    const l = limits('* * rpm=1', '* deepseek-ai/* rpm=2', `* ${V3} rpm=3`, 'a * rpm=4', 'a deepseek-ai/* rpm=5');
    const limitOf = (account: string, model: string) => l.report(T).pairs.find((p) => p.account === account && p.model === model)?.rpm;
    for (const [account, model] of [
      ['b', 'Qwen/Qwen3-8B'],
      ['b', R1],
      ['b', V3],
      ['a', 'Qwen/Qwen3-8B'],
      ['a', V3],
    ] as const)
      l.noteUse(key(account), model, T);
    expect(limitOf('b', 'Qwen/Qwen3-8B')).toEqual({ used: 1, limit: 1 });
    expect(limitOf('b', R1)).toEqual({ used: 1, limit: 2 });
    expect(limitOf('b', V3)).toEqual({ used: 1, limit: 3 });
    expect(limitOf('a', 'Qwen/Qwen3-8B')).toEqual({ used: 1, limit: 4 });
    expect(limitOf('a', V3)).toEqual({ used: 1, limit: 5 });
  });

  it('reads level=L0 as the documented floor: chat and embedding models, nothing for images', () => {
    const l = limits('* level=L0');
    for (const model of [V3, 'BAAI/bge-m3', 'Kwai-Kolors/Kolors']) l.noteUse(key('a'), model, T);
    const pairs = l.report(T).pairs;
    expect(pairs.find((p) => p.model === V3)).toMatchObject({ rpm: { used: 1, limit: 1000 }, tpm: { used: 0, limit: 50_000 }, rpd: null });
    expect(pairs.find((p) => p.model === 'BAAI/bge-m3')).toMatchObject({ rpm: { used: 1, limit: 2000 }, tpm: null });
    expect(pairs.find((p) => p.model === 'Kwai-Kolors/Kolors')).toBeUndefined();
  });

  it('a key of no known account is an account of its own', () => {
    const l = limits('* * rpm=1');
    l.noteUse(key(null, 7), V3, T);
    expect(l.blockedUntil('key:7', V3, T)).toBe(NEXT_MINUTE);
    expect(l.blockedUntil('key:8', V3, T)).toBe(0);
  });

  it('keeps what was counted when the lines change, and forgets everything when turned off', () => {
    const l = limits('* * rpm=5');
    for (let i = 0; i < 3; i++) l.noteUse(key('a'), V3, T);
    l.useLines(['* * rpm=3']);
    expect(l.blockedUntil('a', V3, T)).toBe(NEXT_MINUTE);
    l.useLines([]);
    expect(l.blockedUntil('a', V3, T)).toBe(0);
    expect(l.report(T)).toEqual({ lines: [], pairs: [], total: 0 });
  });

  it('reports an exactly named account × model before its first use, and what a block lasts', () => {
    const l = limits(`acc-1 ${V3} rpm=1 rpd=10`, '* * rpm=2');
    expect(l.report(T).pairs).toEqual([
      {
        account: 'acc-1',
        model: V3,
        line: `acc-1 ${V3} rpm=1 rpd=10`,
        rpm: { used: 0, limit: 1 },
        tpm: null,
        rpd: { used: 0, limit: 10 },
        blockedUntil: null,
      },
    ]);
    l.noteUse(key('acc-1'), V3, T);
    expect(l.report(T).pairs[0]).toMatchObject({
      rpm: { used: 1, limit: 1 },
      rpd: { used: 1, limit: 10 },
      blockedUntil: new Date(NEXT_MINUTE).toISOString(),
    });
    expect(l.report(NEXT_MINUTE).pairs[0]).toMatchObject({ rpm: { used: 0, limit: 1 }, rpd: { used: 1, limit: 10 }, blockedUntil: null });
  });

  it('counts nothing for a request without a model, or when off', () => {
    const off = limits();
    off.noteUse(key('a'), V3, T);
    expect(off.blockedUntil('a', V3, T)).toBe(0);
    const on = limits('* * rpm=1');
    on.noteUse(key('a'), null, T);
    expect(on.blockedUntil('a', V3, T)).toBe(0);
  });

  it('drops the pairs not used today once made-up model names pile up, and keeps counting the ones in use', () => {
    const l = limits('* * rpm=1');
    const yesterday = T - 86_400_000;
    for (let i = 0; i < 200_000; i++) l.blockedUntil('a', `made/up-${i}`, yesterday);
    l.noteUse(key('a'), V3, T);
    expect(l.blockedUntil('a', V3, T)).toBe(NEXT_MINUTE);
    expect(l.report(T).total).toBe(1);
  });
});
