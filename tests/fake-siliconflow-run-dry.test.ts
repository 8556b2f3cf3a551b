import { afterEach, describe, expect, it } from 'vitest';
import { maskKey, startFakeSiliconFlow, type FakeKeyState, type FakeSiliconFlow } from './support/fake-siliconflow/index.js';

/**
 * The fake's controls that make a pool run dry (issue 14, the demo's alerts): POST /_fake/drain
 * takes the money of the first keys that have some, POST /_fake/revoke turns the first valid keys
 * invalid, POST /_fake/refill gives back what drains took; each answers the masked keys it touched,
 * and the keys then answer as SiliconFlow's do.
 */
let fake: FakeSiliconFlow;
afterEach(() => fake?.close());

const PAID = 'deepseek-ai/DeepSeek-V3';
const FREE = 'Qwen/Qwen2.5-7B-Instruct';
const key = (label: string) => `sk-${label.padEnd(48, 'q')}`;

async function startWith(keys: Record<string, Partial<FakeKeyState>>) {
  fake = await startFakeSiliconFlow({ keys });
}

function control(path: string, body?: unknown): Promise<Response> {
  return fetch(`${fake.url}/_fake/${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
}

async function touched(path: string, body?: unknown): Promise<string[]> {
  const res = await control(path, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: string[] }).keys;
}

/** A chat call with `k`: its status and SiliconFlow's numeric code (undefined on a 200). */
async function chat(k: string, model = PAID): Promise<{ status: number; code?: number }> {
  const res = await fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { code?: number };
  return { status: res.status, code: res.ok ? undefined : body.code };
}

describe('the fake SiliconFlow runs dry on demand', () => {
  it('drain {count} takes the money of the first keys that have some: their paid calls answer 30001, free ones still work', async () => {
    const [spent, revoked, a, b, c] = ['spent', 'revoked', 'a', 'b', 'c'].map(key) as [string, string, string, string, string];
    await startWith({ [spent]: { behavior: 'exhausted' }, [revoked]: { behavior: 'invalid' }, [a]: {}, [b]: {}, [c]: {} });
    const keys = await touched('drain', { count: 2 });
    expect(keys).toEqual([maskKey(a), maskKey(b)]);
    expect(keys.join()).not.toContain(a);
    expect(fake.balances(a)).toMatchObject({ gift: 0, paid: 0 });
    expect(await chat(a)).toEqual({ status: 402, code: 30001 });
    expect(await chat(b)).toEqual({ status: 402, code: 30001 });
    expect(await chat(a, FREE)).toEqual({ status: 200 });
    expect(await chat(c)).toEqual({ status: 200 });
    // The next drain picks the key that still has money; a top-up gives a drained key its calls back.
    expect(await touched('drain', { count: 2 })).toEqual([maskKey(c)]);
    expect(await touched('drain')).toEqual([]);
    fake.topUp(a, { paid: '5' });
    expect(await chat(a)).toEqual({ status: 200 });
  });

  it('drain without a body drains every key with money', async () => {
    const [a, b] = [key('a'), key('b')];
    await startWith({ [a]: { chargeBalance: '9.00' }, [b]: { behavior: 'gift-only' } });
    expect(await touched('drain')).toEqual([maskKey(a), maskKey(b)]);
    expect(fake.balances(a)?.total).toBe(0);
    expect(await chat(b)).toEqual({ status: 402, code: 30001 });
  });

  it('refill gives the drained keys back what the drains took, once', async () => {
    const [a, b, c] = [key('a'), key('b'), key('c')];
    await startWith({ [a]: { balance: '1.50', chargeBalance: '2.25' }, [b]: {}, [c]: {} });
    expect(await touched('refill')).toEqual([]);
    expect(await touched('drain', { count: 2 })).toEqual([maskKey(a), maskKey(b)]);
    expect(await touched('refill', { count: 1 })).toEqual([maskKey(a)]);
    expect(fake.balances(a)).toMatchObject({ gift: 1_500_000_000, paid: 2_250_000_000 });
    expect(await chat(a)).toEqual({ status: 200 });
    expect(await chat(b)).toEqual({ status: 402, code: 30001 });
    expect(await touched('refill')).toEqual([maskKey(b)]);
    expect(await touched('refill')).toEqual([]);
    expect(fake.balances(b)?.gift).toBe(14_000_000_000);
    expect(fake.balances(c)?.gift).toBe(14_000_000_000);
  });

  it('revoke {count} turns the first keys that are not invalid yet invalid (401 30014); the rest keep serving', async () => {
    const [old, a, b] = [key('old'), key('a'), key('b')];
    await startWith({ [old]: { behavior: 'invalid-string' }, [a]: {}, [b]: {} });
    expect(await touched('revoke', { count: 1 })).toEqual([maskKey(a)]);
    expect(fake.getKey(a)?.behavior).toBe('invalid');
    expect(await chat(a)).toEqual({ status: 401, code: 30014 });
    expect(await chat(b)).toEqual({ status: 200 });
    expect(await touched('revoke')).toEqual([maskKey(b)]);
    expect(await touched('revoke')).toEqual([]);
  });

  it.each([{ count: 0 }, { count: 1.5 }, { count: '2' }, [1]])('refuses a bad body %j with 400 naming count', async (body) => {
    await startWith({ [key('a')]: {} });
    for (const path of ['drain', 'revoke', 'refill']) {
      const res = await control(path, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('count');
    }
    expect(fake.getKey(key('a'))?.behavior).toBe('ok');
    expect(fake.balances(key('a'))?.total).toBe(14_000_000_000);
  });
});
