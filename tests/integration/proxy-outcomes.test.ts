import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
afterEach(() => p?.close());

const keys = (...states: Partial<FakeKeyState>[]) => states.map((s, i) => [fakeKey(i), s] as [string, Partial<FakeKeyState>]);
const sentKeys = () => p.fake.requests.map((r) => r.key);

describe('access to /v1', () => {
  it('refuses a missing or wrong access key with 401 JSON and forwards nothing', async () => {
    p = await startProxy(keys({}));
    const none = await fetch(`${p.base}/v1/models`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 40100, error: { type: 'authentication_error' } });
    const wrong = await fetch(`${p.base}/v1/models`, { headers: { authorization: 'Bearer sfm-wrong' } });
    expect(wrong.status).toBe(401);
    expect(p.fake.requests).toHaveLength(0);
  });

  it('accepts the access key as a Bearer token or as x-api-key', async () => {
    p = await startProxy(keys({}));
    expect((await p.call('/v1/models')).status).toBe(200);
    const anthropic = await fetch(`${p.base}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': p.accessKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anthropic.status).toBe(200);
    const upstream = p.fake.requests.at(-1)!;
    expect(upstream.headers['x-api-key']).toBe(fakeKey(0));
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
  });
});

describe('forwarding', () => {
  it('forwards any method and path with its query, the exact body bytes, the pool key and none of the client credentials', async () => {
    p = await startProxy(keys({}));
    const body = '{"model":"BAAI/bge-m3",   "input": ["a", "b"]}';
    const res = await p.call('/v1/embeddings?trace=1&x=%20y', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', cookie: 'sfm.sid=secret', 'x-forwarded-for': '10.1.2.3', 'x-custom': 'kept' },
    });
    expect(res.status).toBe(200);
    const r = p.fake.requests.at(-1)!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1/embeddings?trace=1&x=%20y');
    expect(r.body.toString()).toBe(body);
    expect(r.key).toBe(fakeKey(0));
    expect(r.headers.cookie).toBeUndefined();
    expect(r.headers['x-forwarded-for']).toBeUndefined();
    expect(r.headers['x-custom']).toBe('kept');
    expect(JSON.stringify(r.headers)).not.toContain(p.accessKey);
    expect(res.headers.get('x-siliconcloud-trace-id')).toBeTruthy();
  });

  it('passes a path SiliconFlow does not know through as its 404 (as JSON), without retrying', async () => {
    p = await startProxy(keys({}, {}));
    const res = await p.call('/v1/does/not/exist');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('404 page not found');
    expect(p.fake.requests).toHaveLength(1);
  });

  it('answers 413 for a body over MAX_BODY_BYTES without contacting upstream', async () => {
    p = await startProxy(keys({}), { env: { MAX_BODY_BYTES: '2048' } });
    const res = await p.call('/v1/chat/completions', { json: chat('x', { pad: 'y'.repeat(4096) }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 41300 });
    expect(p.fake.requests).toHaveLength(0);
  });
});

describe('the outcome table, before the first byte', () => {
  it.each([
    ['invalid', { behavior: 'invalid' }, 'invalid'],
    ['bare "Invalid token"', { behavior: 'invalid-string' }, 'invalid'],
    ['30001 on 402', { behavior: 'exhausted', exhaustedStatus: 402 }, 'exhausted'],
    ['30001 on 403', { behavior: 'exhausted', exhaustedStatus: 403 }, 'exhausted'],
  ] as const)('%s: the key is marked %s and the next key serves', async (_name, bad, status) => {
    p = await startProxy(keys(bad, {}));
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(200);
    expect(sentKeys()).toEqual([fakeKey(0), fakeKey(1)]);
    expect(p.row(p.ids[0]!)).toMatchObject({ status, failure_count: 1 });
    // Out of the pool from now on.
    await p.call('/v1/chat/completions', { json: chat() });
    expect(sentKeys().slice(2)).toEqual([fakeKey(1)]);
    const listed = p.ctx.keys.list({ page: 1, pageSize: 10, sort: 'id' }).items[0]!;
    expect(listed).toMatchObject({ status, lastError: expect.stringContaining('HTTP 40') });
  });

  it('30011: the key stays for other models, the Pro/ request moves to a key with paid credit', async () => {
    p = await startProxy(keys({ behavior: 'gift-only' }, { chargeBalance: '5.00' }));
    const res = await p.call('/v1/chat/completions', { json: chat('Pro/deepseek-ai/DeepSeek-R1') });
    expect(res.status).toBe(200);
    expect(sentKeys()).toEqual([fakeKey(0), fakeKey(1)]);
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', lacks_paid: 1 });
    p.fake.clearRequests();
    await p.call('/v1/chat/completions', { json: chat('Pro/deepseek-ai/DeepSeek-R1') });
    expect(sentKeys()).toEqual([fakeKey(1)]);
    const ok = await p.call('/v1/chat/completions', { json: chat('Qwen/Qwen2.5-7B-Instruct') });
    expect(ok.status).toBe(200);
  });

  // Behaviour changed (issue 13): the 429 cools the key's account for the model; the key's status stays.
  it("429: the key's account cools for the model (Retry-After honoured), the next key serves, and it comes back by itself", async () => {
    p = await startProxy(keys({ behavior: 'rate-limited', retryAfterSeconds: 1 }, {}, {}, {}));
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(200);
    expect(sentKeys()).toEqual([fakeKey(0), fakeKey(1)]);
    expect(p.row(p.ids[0]!).status).toBe('active');
    const [cooling] = p.ctx.keys.get(p.ids[0]!).cooling;
    expect(cooling).toMatchObject({ model: chat().model, limit: 'TPM' });
    expect(Date.parse(cooling!.until)).toBeGreaterThan(Date.now() + 500);
    expect(Date.parse(cooling!.until)).toBeLessThanOrEqual(Date.now() + 1000);
    p.fake.setKey(fakeKey(0), { behavior: 'ok' });
    await new Promise((r) => setTimeout(r, 1100));
    // Over without any request having asked for it: the admin sees nothing cooling.
    expect(p.ctx.keys.get(p.ids[0]!).cooling).toEqual([]);
    p.fake.clearRequests();
    for (let i = 0; i < 4; i++) await p.call('/v1/chat/completions', { json: chat() });
    expect(sentKeys()).toContain(fakeKey(0));
    expect(p.row(p.ids[0]!).status).toBe('active');
  });

  it('429 from most of the pool: the pool backs off and the client gets 429 with Retry-After', async () => {
    p = await startProxy(keys(...Array.from({ length: 4 }, () => ({ behavior: 'rate-limited' as const })), {}));
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ code: 42900 });
    expect(sentKeys()).toHaveLength(3);
    p.fake.clearRequests();
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(429);
    expect(p.fake.requests).toHaveLength(0);
  });

  // Behaviour changed (issue 13): the fake's 429 names TPM, so the cool-down lasts to the next minute.
  it('every usable key cooling: 429 with the time until the first one comes back', async () => {
    p = await startProxy(keys({ behavior: 'rate-limited' }), { env: { COOLDOWN_SECONDS: '300' } });
    const first = await p.call('/v1/chat/completions', { json: chat() });
    expect(first.status).toBe(429);
    const retryAfter = Number(first.headers.get('retry-after'));
    const toNextMinute = (60_000 - (Date.now() % 60_000)) / 1000;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(toNextMinute) + 1);
  });

  it('50603 (IP busy): stop burning keys, 429 to the client, and later requests do not reach upstream', async () => {
    p = await startProxy(keys({ behavior: 'ip-blocked' }, {}, {}));
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(429);
    expect(sentKeys()).toEqual([fakeKey(0)]);
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(429);
    expect(p.fake.requests).toHaveLength(1);
    expect(p.row(p.ids[0]!).status).toBe('active');
  });

  it('5xx: the key is not blamed, the next key serves; error only after several failures in a row', async () => {
    p = await startProxy(keys({ behavior: 'server-error' }, {}), { env: { ERROR_AFTER_FAILURES: '2', KEY_STRATEGY: 'round-robin' } });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect(sentKeys()).toEqual([fakeKey(0), fakeKey(1)]);
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 1 });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200); // key 0 fails again, then key 1
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'error', failure_count: 2 });
    p.fake.setKey(fakeKey(0), { behavior: 'ok' });
    p.fake.clearRequests();
    for (let i = 0; i < 2; i++) await p.call('/v1/chat/completions', { json: chat() });
    expect(sentKeys()).toContain(fakeKey(0));
    expect(p.row(p.ids[0]!).status).toBe('active');
  });

  it('a reset connection counts as upstream trouble and the next key serves', async () => {
    p = await startProxy(keys({ behavior: 'reset' }, {}));
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 1 });
  });

  it('other 4xx (unknown model) is passed through with its fields, without retry, and the key is untouched', async () => {
    p = await startProxy(keys({}, {}));
    const res = await p.call('/v1/chat/completions', { json: chat('no/such-model') });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: 20012,
      message: 'Model does not exist. Please check it carefully.',
      data: null,
      error: expect.any(Object),
    });
    expect(p.fake.requests).toHaveLength(1);
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 0 });
  });
});

describe('no usable key: 50301', () => {
  const expect50301 = async (res: Response) => {
    expect(res.status).toBe(503);
    const body = (await res.json()) as { message: string; error: { message: string } };
    expect(body).toMatchObject({ code: 50301, message: expect.stringMatching(/没有可用的 API 密钥/) });
    expect(body.error.message).toBe(body.message);
  };

  it('with an empty pool', async () => {
    p = await startProxy([]);
    await expect50301(await p.call('/v1/chat/completions', { json: chat() }));
    expect(p.fake.requests).toHaveLength(0);
  });

  it('when every key is invalid, exhausted or disabled', async () => {
    p = await startProxy(keys({ behavior: 'invalid' }, { behavior: 'exhausted' }, {}));
    p.ctx.keys.update(p.ids[2]!, { enabled: false });
    await expect50301(await p.call('/v1/chat/completions', { json: chat() }));
    expect(sentKeys()).toEqual([fakeKey(0), fakeKey(1)]);
    p.fake.clearRequests();
    await expect50301(await p.call('/v1/chat/completions', { json: chat() }));
    expect(p.fake.requests).toHaveLength(0);
  });

  it('when MAX_KEY_TRIES keys in a row were dead', async () => {
    p = await startProxy(keys({ behavior: 'invalid' }, { behavior: 'invalid' }, { behavior: 'invalid' }, {}), {
      env: { MAX_KEY_TRIES: '2' },
    });
    await expect50301(await p.call('/v1/chat/completions', { json: chat() }));
    expect(p.fake.requests).toHaveLength(2);
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
  });

  it('a pool where half the keys ran dry since the last check still serves every request', async () => {
    const states = Array.from({ length: 20 }, (_, i) => (i % 2 ? {} : { behavior: 'exhausted' as const }));
    p = await startProxy(keys(...states));
    const results = await Promise.all(Array.from({ length: 20 }, () => p.call('/v1/chat/completions', { json: chat() })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  });

  it('a model wrongly listed as free: exhausted keys answer 30001 and the request moves on to funded keys', async () => {
    const states = Array.from({ length: 12 }, () => ({ behavior: 'exhausted' as const }));
    p = await startProxy(keys(...states, {}), { env: { FREE_MODELS: 'deepseek-ai/DeepSeek-V3', MAX_KEY_TRIES: '3' } });
    for (const id of p.ids.slice(0, 12)) await p.ctx.checks.checkOne(id);
    p.fake.clearRequests();
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect(sentKeys()).toEqual([expect.any(String), fakeKey(12)]);
  });

  it('free models are served by exhausted keys first', async () => {
    p = await startProxy(keys({}, { behavior: 'exhausted' }), { env: { FREE_MODELS: 'Qwen/Qwen2.5-7B-Instruct' } });
    expect((await p.ctx.checks.checkOne(p.ids[1]!)).status).toBe('exhausted');
    p.fake.setKey(fakeKey(1), { behavior: 'ok', balance: '0.00' }); // SiliconFlow serves free models to empty accounts
    p.fake.clearRequests();
    expect((await p.call('/v1/chat/completions', { json: chat('Qwen/Qwen2.5-7B-Instruct') })).status).toBe(200);
    expect(sentKeys()).toEqual([fakeKey(1)]);
  });
});

describe('upstream trouble on every attempt: 50300', () => {
  it('502 after MAX_ATTEMPTS failures on different keys', async () => {
    p = await startProxy(keys(...Array.from({ length: 5 }, () => ({ behavior: 'server-error' as const }))), { env: { MAX_ATTEMPTS: '3' } });
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 50300 });
    expect(new Set(sentKeys()).size).toBe(3);
  });

  it('504 when upstream hangs before its headers on every attempt', async () => {
    p = await startProxy(keys({ behavior: 'hang' }, { behavior: 'hang' }), { env: { FIRST_BYTE_TIMEOUT_MS: '300', MAX_ATTEMPTS: '2' } });
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ code: 50300 });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a hanging key is abandoned after FIRST_BYTE_TIMEOUT_MS and the next key serves', async () => {
    p = await startProxy(keys({ behavior: 'hang' }, {}), { env: { FIRST_BYTE_TIMEOUT_MS: '300' } });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
  });
});
