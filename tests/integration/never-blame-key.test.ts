/**
 * "Never blame a key for the client" (issue 13): the caller's mistakes — bad parameters, an unknown
 * model, a prompt over the context length, a wrong path, a body too large — and SiliconFlow's own
 * overload (50505, 50508) must not change the key that carried them. Before this, a passed-through
 * 4xx counted as a success (it reset the key's failures in a row and turned an `error` key back to
 * `active`), and every 50505/50508 counted as a failure, so one busy hour upstream turned the keys
 * that met it into `error` keys.
 *
 * Each row starts from a key with a history (two 5xx in a row: `error`; then a 30011: lacks paid
 * credit), sends one request over real sockets to the fake SiliconFlow, and checks that the client
 * got the expected answer, that the key is exactly as before in the pool and in the database (only
 * its use is counted when it was used), and that it serves the next request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
afterEach(() => p?.close());

const KEY = fakeKey(0);
const CONTEXT_TOO_LONG = 'length of prompt_tokens (50000) must be less than max_seq_len (32768).';

type Row = {
  name: string;
  /** How the fake answers this key during the request. */
  behavior: FakeKeyState['behavior'];
  path: string;
  body: string;
  env?: Record<string, string>;
  /** What the client gets. */
  status: number;
  code: number;
  /** The message of SiliconFlow's body passed through (the `error.message` may say more); absent for the proxy's own answers. */
  message?: string;
  /** Upstream calls the request made with the key (each counts as a use, nothing else). */
  calls: number;
};

const json = (body: unknown) => JSON.stringify(body);

const ROWS: Row[] = [
  {
    name: 'an unknown model (400, 20012)',
    behavior: 'ok',
    path: '/v1/chat/completions',
    body: json(chat('gpt-unknown-model')),
    status: 400,
    code: 20012,
    message: 'Model does not exist. Please check it carefully.',
    calls: 1,
  },
  {
    name: 'a bad parameter (400, 20015)',
    behavior: 'ok',
    path: '/v1/chat/completions',
    body: json({ model: 'deepseek-ai/DeepSeek-V3', messages: [] }),
    status: 400,
    code: 20015,
    message: 'The parameter is invalid. Please check again.',
    calls: 1,
  },
  {
    name: 'a body that is not JSON (400, 20015)',
    behavior: 'ok',
    path: '/v1/embeddings',
    body: '{"model": "BAAI/bge-m3", "input": ',
    status: 400,
    code: 20015,
    message: 'The parameter is invalid. Please check again.',
    calls: 1,
  },
  {
    name: 'a prompt over the context length (400, 20015 max_seq_len)',
    behavior: 'ok',
    path: '/v1/chat/completions',
    body: json(chat('deepseek-ai/DeepSeek-V3', { messages: [{ role: 'user', content: 'x'.repeat(200_000) }] })),
    status: 400,
    code: 20015,
    message: CONTEXT_TOO_LONG,
    calls: 1,
  },
  {
    name: 'a path SiliconFlow does not know (404, plain text)',
    behavior: 'ok',
    path: '/v1/chat/complete',
    body: json(chat()),
    status: 404,
    code: 404,
    message: '404 page not found',
    calls: 1,
  },
  {
    name: 'a body over MAX_BODY_BYTES (the proxy’s own 413, no key used)',
    behavior: 'ok',
    path: '/v1/chat/completions',
    body: json(chat('deepseek-ai/DeepSeek-V3', { pad: 'y'.repeat(4096) })),
    env: { MAX_BODY_BYTES: '2048' },
    status: 413,
    code: 41300,
    calls: 0,
  },
  {
    name: 'the model service overloaded (503, 50505): retried, then the proxy’s 502',
    behavior: 'overloaded',
    path: '/v1/chat/completions',
    body: json(chat()),
    status: 502,
    code: 50300,
    calls: 1,
  },
  {
    name: 'the whole service too busy (503, 50508): retried, then the proxy’s 502',
    behavior: 'busy',
    path: '/v1/chat/completions',
    body: json(chat()),
    status: 502,
    code: 50300,
    calls: 1,
  },
];

/** Two 5xx in a row (ERROR_AFTER_FAILURES=2: `error`), then a 30011 on a Pro/ model (lacks paid credit). */
async function keyWithHistory(env: Record<string, string> = {}): Promise<Proxy> {
  const proxy = await startProxy([[KEY, { behavior: 'server-error' }]], { env: { ERROR_AFTER_FAILURES: '2', ...env } });
  for (let i = 0; i < 2; i++) expect((await proxy.call('/v1/chat/completions', { json: chat() })).status).toBe(502);
  proxy.fake.setKey(KEY, { behavior: 'gift-only' });
  expect((await proxy.call('/v1/chat/completions', { json: chat('Pro/deepseek-ai/DeepSeek-V3') })).status).toBe(503);
  return proxy;
}

/** Everything that says how the key stands, in the database and in the pool. */
function keyState(proxy: Proxy) {
  const id = proxy.ids[0]!;
  const { usage_count: usageCount, ...stored } = proxy.row(id);
  const lacksPaidAt = proxy.ctx.db.prepare('SELECT lacks_paid_at FROM keys WHERE id = ?').get(id);
  const k = proxy.ctx.pool.get(id)!;
  const pool = {
    status: k.status,
    cooling: proxy.ctx.coolingView.ofKey(k),
    lacksPaidAt: k.lacksPaidAt,
    failureCount: k.failureCount,
    consecutiveFailures: k.consecutiveFailures,
  };
  return { usageCount: usageCount as number, stored: { ...stored, ...(lacksPaidAt as object) }, pool };
}

describe('never blame a key for the client', () => {
  it('starts each row from a key with a history: error after two 5xx, lacking paid credit after a 30011', async () => {
    p = await keyWithHistory();
    expect(keyState(p)).toMatchObject({
      stored: { status: 'error', failure_count: 3, lacks_paid: 1, cooling_until: null, last_error: expect.stringContaining('30011') },
      pool: { status: 'error', consecutiveFailures: 2, lacksPaidAt: expect.any(Number) },
    });
  });

  it.each(ROWS)('$name: answered $status ($code), the key is exactly as before and serves the next request', async (row) => {
    p = await keyWithHistory(row.env);
    p.fake.setKey(KEY, { behavior: row.behavior });
    const before = keyState(p);
    p.fake.clearRequests();

    const res = await p.call(row.path, { method: 'POST', body: row.body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(row.status);
    const answer = (await res.json()) as { code: unknown; message: unknown; error: { message: string } };
    if (row.message === undefined) expect(answer.code).toBe(row.code);
    else if (row.status === 404) expect(answer.error.message).toContain(row.message);
    else expect(answer).toMatchObject({ code: row.code, message: row.message, error: expect.any(Object) });
    expect(p.fake.requests.map((r) => r.key)).toEqual(Array(row.calls).fill(KEY));

    const after = keyState(p);
    expect(after.stored).toEqual(before.stored);
    expect(after.pool).toEqual(before.pool);
    expect(after.usageCount).toBe(before.usageCount + row.calls);

    p.fake.setKey(KEY, { behavior: 'ok' });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect(p.fake.requests.at(-1)!.key).toBe(KEY);
  });
});
