import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientSettings } from '../../src/clients/client-types.js';
import { ALIAS_OWNER } from '../../src/proxy/model-list.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { clientSettings } from '../helpers/test-app.js';

/**
 * Client keys on /v1 (issue 12), over real sockets against the fake SiliconFlow: each refusal with
 * its status and code, budgets enforced from the ledger's real costs, RPM and concurrency, model and
 * address allow-lists, rotation, and what the database holds of a key.
 */
let p: Proxy;
afterEach(() => p?.close());

const V3 = 'deepseek-ai/DeepSeek-V3';
const FREE = 'Qwen/Qwen2.5-7B-Instruct';

async function proxyWith(env: Record<string, string> = {}, keyState = {}) {
  p = await startProxy([[fakeKey(0), keyState]], { env });
  return p;
}

/** A client key made through the service the admin API uses; returns the key (shown once) and its id. */
function client(settings: Partial<ClientSettings> = {}) {
  const { key, client: view } = p.ctx.clients.create(clientSettings(settings));
  return { key, id: view.id };
}

const call = (key: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
  p.call(path, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } });
const chatWith = (key: string, model = V3, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(key, '/v1/chat/completions', { json: chat(model, extra), headers });

async function refusal(res: Response) {
  const body = (await res.json()) as { code: number; error: Record<string, unknown> };
  return {
    status: res.status,
    code: body.code,
    reason: body.error.reason,
    error: body.error,
    retryAfter: res.headers.get('retry-after'),
    shouldRetry: res.headers.get('x-should-retry'),
  };
}

function logRows() {
  p.ctx.flush();
  return p.ctx.db.prepare('SELECT client_id, status, error_class, cost_nano FROM request_logs ORDER BY id').all() as {
    client_id: number | null;
    status: number;
    error_class: string | null;
    cost_nano: number | null;
  }[];
}

function usageRow(id: number) {
  p.ctx.flush();
  return p.ctx.db.prepare('SELECT spent_total, spent_day, spent_month, requests_total, tokens_total FROM clients WHERE id = ?').get(id) as {
    spent_total: number;
    spent_day: number;
    spent_month: number;
    requests_total: number;
    tokens_total: number;
  };
}

describe('who may call', () => {
  it('the admin key and a client key are served; an unknown key is 401 40100; each row names its client', async () => {
    await proxyWith();
    const { key, id } = client();
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect((await chatWith(key)).status).toBe(200);
    const unknown = await refusal(await chatWith('sfm-not-a-key-of-this-server-at-all-xxxxxxx'));
    expect(unknown).toMatchObject({ status: 401, code: 40100 });
    expect(logRows().map((r) => [r.client_id, r.status])).toEqual([
      [0, 200],
      [id, 200],
      [null, 401],
    ]);
  });

  it('a disabled key is 401 40101, an expired one 401 40102; a change applies from the next request', async () => {
    await proxyWith();
    const { key, id } = client();
    expect((await chatWith(key)).status).toBe(200);
    p.ctx.clients.update(id, { enabled: false });
    expect(await refusal(await chatWith(key))).toMatchObject({ status: 401, code: 40101, reason: 'client-disabled' });
    p.ctx.clients.update(id, { enabled: true, expiresAt: Date.now() - 1000 });
    const expired = await refusal(await chatWith(key));
    expect(expired).toMatchObject({ status: 401, code: 40102, reason: 'client-expired' });
    expect(expired.error.type).toBe('authentication_error');
    expect(logRows().map((r) => r.error_class)).toEqual([null, 'client-disabled', 'client-expired']);
  });

  it('rotation kills the old key at once; the new one carries on with the same usage', async () => {
    await proxyWith();
    const { key, id } = client();
    expect((await chatWith(key)).status).toBe(200);
    const { key: fresh } = p.ctx.clients.rotate(id);
    expect(fresh).not.toBe(key);
    expect((await refusal(await chatWith(key))).code).toBe(40100);
    expect((await chatWith(fresh)).status).toBe(200);
    expect(usageRow(id).requests_total).toBe(2);
  });

  it('a deleted key is refused at once; its history stays, labelled deleted', async () => {
    await proxyWith();
    const { key, id } = client();
    expect((await chatWith(key)).status).toBe(200);
    p.ctx.clients.remove(id);
    expect((await refusal(await chatWith(key))).code).toBe(40100);
    p.ctx.flush();
    expect(p.ctx.clients.get(id)).toMatchObject({ status: 'deleted', usage: { total: { requests: 1 } } });
    const report = p.ctx.spend.report({ from: 0, to: Date.now() + 1, groupBy: 'client', tzOffsetMinutes: 480 });
    expect(report.rows.find((r) => r.group === id)).toMatchObject({ clientName: 'friend', clientDeleted: true, requests: 1 });
  });
});

describe('models', () => {
  it('exact names and prefix/* wildcards; any other model is 403 40302 naming it', async () => {
    await proxyWith();
    const { key } = client({ models: [V3, 'Qwen/*'] });
    expect((await chatWith(key, V3)).status).toBe(200);
    expect((await chatWith(key, FREE)).status).toBe(200);
    const refused = await refusal(await chatWith(key, 'deepseek-ai/DeepSeek-R1'));
    expect(refused).toMatchObject({ status: 403, code: 40302, reason: 'client-model-refused' });
    expect(refused.error.model).toBe('deepseek-ai/DeepSeek-R1');
    expect(String(refused.error.message)).toContain('deepseek-ai/DeepSeek-R1');
    // SiliconFlow never saw the refused request.
    expect(p.fake.requests.filter((r) => r.body.toString().includes('DeepSeek-R1'))).toEqual([]);
  });

  it('GET /v1/models lists only the models the key may use, the rest of the body kept', async () => {
    await proxyWith();
    const { key } = client({ models: ['Qwen/*', V3] });
    const all = (await (await p.call('/v1/models')).json()) as { object: string; data: { id: string; owned_by: string }[] };
    const res = await call(key, '/v1/models');
    expect(res.status).toBe(200);
    const mine = (await res.json()) as typeof all;
    expect(mine.object).toBe(all.object);
    // The model aliases (MODEL_ALIASES) follow SiliconFlow's entries: tests/integration/proxy-aliases.test.ts.
    const upstream = (list: typeof all) => list.data.filter((m) => m.owned_by !== ALIAS_OWNER).map((m) => m.id);
    const expected = upstream(all).filter((id) => id.startsWith('Qwen/') || id === V3);
    expect(expected.length).toBeGreaterThan(2);
    expect(upstream(mine)).toEqual(expected);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(mine)));
  });

  it('"free models only" follows the pool\'s freeModels setting', async () => {
    await proxyWith({ FREE_MODELS: FREE });
    const { key } = client({ freeOnly: true });
    expect((await chatWith(key, FREE)).status).toBe(200);
    expect((await refusal(await chatWith(key, V3))).code).toBe(40302);
    const list = (await (await call(key, '/v1/models')).json()) as { data: { id: string; owned_by: string }[] };
    expect(list.data.filter((m) => m.owned_by !== ALIAS_OWNER).map((m) => m.id)).toEqual([FREE]);
  });
});

describe('budgets in yuan, from the real cost of each request', () => {
  it('plain: the request that crosses the daily budget counts in full, the next is 429 42901 until China midnight', async () => {
    await proxyWith();
    // The first request's real cost (the fake's usage, priced by the shipped table) sizes the budget.
    const probe = client();
    expect((await chatWith(probe.key)).status).toBe(200);
    const cost = logRows()[0]!.cost_nano!;
    expect(cost).toBeGreaterThan(0);
    const { key, id } = client({ budgets: { day: Math.round(cost * 1.5), month: null, total: null } });
    expect((await chatWith(key)).status).toBe(200);
    expect((await chatWith(key)).status).toBe(200); // 1 × cost spent, under 1.5 ×: let through, overshoots
    const refused = await refusal(await chatWith(key));
    expect(refused).toMatchObject({ status: 429, code: 42901, reason: 'client-budget' });
    expect(refused.error).toMatchObject({ budget: 'day', type: 'rate_limit_error' });
    const resetsAt = Date.parse(String(refused.error.resetsAt));
    expect(new Date(resetsAt + 8 * 3600_000).toISOString().slice(11, 19)).toBe('00:00:00');
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(86_400);
    expect(refused.shouldRetry).toBe('false'); // SDKs would retry a 429 within seconds, hours too early
    expect(usageRow(id)).toMatchObject({ spent_total: 2 * cost, spent_day: 2 * cost, requests_total: 2 });
  });

  it('a key with a budget is refused a model without a price (403 40303 naming it) and nothing reaches SiliconFlow; without a budget it is served', async () => {
    await proxyWith();
    const unpriced = 'Qwen/Qwen2.5-72B-Instruct';
    expect(p.ctx.prices.book.priceOf(unpriced)).toBeUndefined();
    const budgeted = client({ budgets: { day: null, month: 1_000_000_000, total: null } });
    const sent = p.fake.requests.length;
    const refused = await refusal(await chatWith(budgeted.key, unpriced));
    expect(refused).toMatchObject({ status: 403, code: 40303, reason: 'client-model-unpriced' });
    expect(refused.error).toMatchObject({ model: unpriced });
    expect(p.fake.requests.length).toBe(sent);
    expect((await chatWith(client().key, unpriced)).status).toBe(200);
    // Once the admin prices it, the budgeted key may use it, and its cost counts.
    p.ctx.prices.set(unpriced, { unit: 'million-tokens', input: '4.13', output: '4.13' });
    expect((await chatWith(budgeted.key, unpriced)).status).toBe(200);
    expect(usageRow(budgeted.id).spent_total).toBeGreaterThan(0);
  });

  it('streaming: a stream that crosses the budget mid-way finishes, counts in full, and the next request is refused', async () => {
    await proxyWith();
    const probe = client();
    const probeRes = await chatWith(probe.key, V3, { stream: true, fake_chunks: 20 });
    await probeRes.text();
    const cost = logRows()[0]!.cost_nano!;
    const { key, id } = client({ budgets: { day: null, month: null, total: Math.round(cost / 2) } });
    const res = await chatWith(key, V3, { stream: true, fake_chunks: 20 });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('data: [DONE]');
    expect(usageRow(id).spent_total).toBe(cost);
    const refused = await refusal(await chatWith(key, V3, { stream: true }));
    expect(refused).toMatchObject({ status: 429, code: 42901 });
    expect(refused.error).toMatchObject({ budget: 'total', resetsAt: null });
    expect(refused.retryAfter).toBeNull();
  });
});

describe('rate and concurrency', () => {
  it('RPM: past the limit within a minute, 429 42902 with Retry-After', async () => {
    await proxyWith();
    const { key } = client({ rpm: 2 });
    expect((await chatWith(key)).status).toBe(200);
    expect((await chatWith(key)).status).toBe(200);
    const refused = await refusal(await chatWith(key));
    expect(refused).toMatchObject({ status: 429, code: 42902, reason: 'client-rpm' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(59);
  });

  it('concurrency: while one slow request is in flight the next is 429 42903; once it ends there is room again', async () => {
    await proxyWith({}, { delayMs: 600 });
    const { key } = client({ maxConcurrent: 1 });
    const slow = chatWith(key);
    await new Promise((r) => setTimeout(r, 150));
    const refused = await refusal(await chatWith(key));
    expect(refused).toMatchObject({ status: 429, code: 42903, reason: 'client-concurrency', retryAfter: '1' });
    expect((await slow).status).toBe(200);
    expect((await chatWith(key)).status).toBe(200);
  });

  it('a request that fails upstream or is refused later still frees its slot', async () => {
    await proxyWith({}, { behavior: 'server-error' });
    const { key } = client({ maxConcurrent: 1 });
    for (let i = 0; i < 3; i++) expect((await chatWith(key)).status).toBe(502);
  });
});

describe('address allow-lists', () => {
  it('without TRUST_PROXY the socket address counts; X-Forwarded-For is ignored', async () => {
    await proxyWith();
    const lan = client({ allowedIps: ['10.0.0.0/8'] });
    const local = client({ allowedIps: ['127.0.0.1'] });
    const refused = await refusal(await chatWith(lan.key, V3, {}, { 'x-forwarded-for': '10.1.2.3' }));
    expect(refused).toMatchObject({ status: 403, code: 40301, reason: 'client-ip-refused' });
    expect((await chatWith(local.key, V3, {}, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
  });

  it('behind a trusted proxy (TRUST_PROXY=loopback) the address it reports counts', async () => {
    await proxyWith({ TRUST_PROXY: 'loopback' });
    const { key } = client({ allowedIps: ['10.0.0.0/8'] });
    expect((await chatWith(key, V3, {}, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
    expect((await refusal(await chatWith(key, V3, {}, { 'x-forwarded-for': '203.0.113.9' }))).code).toBe(40301);
    // A client-sent entry before the proxy's own is not believed.
    expect((await refusal(await chatWith(key, V3, {}, { 'x-forwarded-for': '10.1.2.3, 203.0.113.9' }))).code).toBe(40301);
  });
});

describe('what is kept of a key, and what is counted', () => {
  it('the keyed hash is all the data folder holds: no file contains the key', async () => {
    await proxyWith();
    const { key } = client();
    expect((await chatWith(key)).status).toBe(200);
    p.ctx.flush();
    p.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const body = key.slice(4);
    for (const file of readdirSync(p.dataDir, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const bytes = readFileSync(join(file.parentPath, file.name));
      expect(bytes.includes(body), file.name).toBe(false);
      expect(bytes.includes(Buffer.from(body, 'utf16le')), file.name).toBe(false);
    }
  });

  it('/metrics counts requests and spend per client id, never the key', async () => {
    await proxyWith();
    const { key, id } = client();
    expect((await chatWith(key)).status).toBe(200);
    const text = await (await p.call('/metrics')).text();
    expect(text).toMatch(new RegExp(`sfm_requests_total\\{status="200",client="${id}"\\} 1`));
    expect(text).toMatch(new RegExp(`sfm_spend_yuan_total\\{model="${V3}",credit="[a-z]+",client="${id}"\\} `));
    expect(text).not.toContain(key);
  });
});
