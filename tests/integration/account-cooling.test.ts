import { afterEach, describe, expect, it, vi } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

// Cooling per account × model (issue 13): a 429 keeps one SiliconFlow account from one model until the
// limit its message names resets. Over real sockets, against the fake's limitAccount; the clock is
// the faked Date, so no test sleeps.
let p: Proxy;
afterEach(async () => {
  vi.useRealTimers();
  await p?.close();
});

const MODEL_A = 'deepseek-ai/DeepSeek-V3';
const MODEL_B = 'Qwen/Qwen2.5-7B-Instruct';
const T0 = Date.parse('2026-03-01T04:25:17Z'); // 12:25:17 in China
const X_KEYS = [1, 2, 3].map(fakeKey);
const Y_KEYS = [4, 5].map(fakeKey);

/** Keys 1–3 belong to account acct-x, 4–5 to acct-y, in the fake and in the pool. */
async function twoAccounts(env: Record<string, string> = {}): Promise<Proxy> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  const proxy = await startProxy(
    [...X_KEYS.map((k) => [k, { account: 'acct-x' }] as const), ...Y_KEYS.map((k) => [k, { account: 'acct-y' }] as const)].map(([k, s]) => [
      k,
      { ...s },
    ]),
    { env: { KEY_STRATEGY: 'round-robin', ...env } },
  );
  // Accounts as the admin (or user/info) would set them; the edit reloads the keys into the pool.
  proxy.ids.forEach((id, i) => {
    proxy.ctx.db.prepare('UPDATE keys SET account = ? WHERE id = ?').run(i < 3 ? 'acct-x' : 'acct-y', id);
    proxy.ctx.keys.update(id, { note: '' });
  });
  return proxy;
}

const sentKeys = () => p.fake.requests.map((r) => r.key);
const ask = (model: string) => p.call('/v1/chat/completions', { json: chat(model) });
const cooling = () => p.ctx.coolingView.list();

describe('a 429 cools the account, for the model only', () => {
  it('RPM on model A with key 1 of X: the retry and the next requests for A go to Y, never X; B still uses X; over at the next minute', async () => {
    p = await twoAccounts();
    p.fake.limitAccount('acct-x', MODEL_A, 'RPM');
    const first = await ask(MODEL_A);
    expect(first.status).toBe(200);
    expect(sentKeys()).toEqual([X_KEYS[0], Y_KEYS[0]]);
    expect(cooling()).toEqual([
      {
        account: 'acct-x',
        model: MODEL_A,
        until: '2026-03-01T04:26:00.000Z',
        limit: 'RPM',
        reason: expect.stringContaining('RPM limit reached'),
        keys: 3,
      },
    ]);
    p.fake.clearRequests();
    for (let i = 0; i < 6; i++) expect((await ask(MODEL_A)).status).toBe(200);
    expect(new Set(sentKeys())).toEqual(new Set(Y_KEYS));
    p.fake.clearRequests();
    for (let i = 0; i < 5; i++) expect((await ask(MODEL_B)).status).toBe(200);
    expect(sentKeys().filter((k) => X_KEYS.includes(k!)).length).toBeGreaterThan(0);
    // The key is not blamed: its status stays, only its last error tells of the 429.
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', last_error: expect.stringContaining('HTTP 429') });

    p.fake.limitAccount('acct-x', MODEL_A, null);
    vi.setSystemTime(Date.parse('2026-03-01T04:26:00Z'));
    p.fake.clearRequests();
    for (let i = 0; i < 5; i++) await ask(MODEL_A);
    expect(sentKeys().some((k) => X_KEYS.includes(k!))).toBe(true);
    expect(cooling()).toEqual([]);
  });

  it.each([
    ['RPM', '2026-03-01T04:26:00.000Z', 'RPM'],
    ['TPM', '2026-03-01T04:26:00.000Z', 'TPM'],
    ['IPM', '2026-03-01T04:26:00.000Z', 'IPM'],
    ['RPH', '2026-03-01T05:00:00.000Z', 'RPH'],
    ['RPD', '2026-03-01T16:00:00.000Z', 'RPD'],
    ['TPD', '2026-03-01T16:00:00.000Z', 'TPD'],
    ['IPD', '2026-03-01T16:00:00.000Z', 'IPD'],
    ['RPD limit reached. Could only send 100 requests per day without real name verification', '2026-03-01T16:00:00.000Z', 'RPD'],
    ['too many requests', new Date(T0 + 90_000).toISOString(), null],
  ])('"%s" cools until %s', async (detail, until, limit) => {
    p = await twoAccounts({ COOLDOWN_SECONDS: '90' });
    p.fake.limitAccount('acct-x', MODEL_A, detail);
    expect((await ask(MODEL_A)).status).toBe(200);
    expect(cooling()).toMatchObject([{ account: 'acct-x', model: MODEL_A, until, limit }]);
  });

  it("every account cooling for A: 429 42900 with Retry-After to the first one's end; B is still served", async () => {
    p = await twoAccounts();
    p.fake.limitAccount('acct-x', MODEL_A, 'RPH');
    p.fake.limitAccount('acct-y', MODEL_A, 'RPM');
    const res = await ask(MODEL_A);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('43'); // 04:25:17 → 04:26:00
    expect(await res.json()).toMatchObject({ code: 42900, error: { type: 'rate_limit_error' } });
    expect(sentKeys()).toEqual([X_KEYS[0], Y_KEYS[0]]);
    p.fake.clearRequests();
    const again = await ask(MODEL_A);
    expect(again.status).toBe(429);
    expect(p.fake.requests).toHaveLength(0); // nothing left to try: SiliconFlow is not asked
    expect((await ask(MODEL_B)).status).toBe(200);
  });

  it('a 429 on a request without a model cools the account for such requests only', async () => {
    p = await twoAccounts();
    p.fake.limitAccount('acct-x', '', 'RPM');
    expect((await p.call('/v1/models')).status).toBe(200);
    expect(cooling()).toMatchObject([{ account: 'acct-x', model: null, limit: 'RPM' }]);
    p.fake.clearRequests();
    for (let i = 0; i < 3; i++) await ask(MODEL_A);
    expect(sentKeys().some((k) => X_KEYS.includes(k!))).toBe(true);
  });
});

describe('kept and shown', () => {
  it('a restart keeps an RPD cooling until China midnight; then its row is deleted', async () => {
    p = await twoAccounts();
    p.fake.limitAccount('acct-x', MODEL_A, 'RPD');
    expect((await ask(MODEL_A)).status).toBe(200);
    p.ctx.flush();
    const restarted = p.restart();
    expect(restarted.ctx.coolingView.list()).toMatchObject([
      { account: 'acct-x', model: MODEL_A, until: '2026-03-01T16:00:00.000Z', limit: 'RPD' },
    ]);
    expect(restarted.ctx.cooling.blockedUntil('acct-x', MODEL_A, Date.now())).toBe(Date.parse('2026-03-01T16:00:00Z'));
    vi.setSystemTime(Date.parse('2026-03-01T16:00:00Z'));
    restarted.ctx.flush();
    expect(restarted.ctx.db.prepare('SELECT COUNT(*) AS n FROM account_cooling').get()).toEqual({ n: 0 });
  });

  it('the admin API lists the accounts cooling, and each key of the account shows the model, until when, and the limit', async () => {
    p = await twoAccounts();
    p.fake.limitAccount('acct-x', MODEL_A, 'RPM');
    await ask(MODEL_A);
    const cookie = await p.adminCookie();
    const get = async (path: string) => {
      const res = await fetch(p.base + path, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    };
    expect((await get('/admin/api/pool/cooling')).items).toEqual([
      { account: 'acct-x', model: MODEL_A, until: '2026-03-01T04:26:00.000Z', limit: 'RPM', reason: expect.any(String), keys: 3 },
    ]);
    const keys = (await get('/admin/api/keys?sort=id')).items as { id: number; status: string; cooling: unknown[] }[];
    const expected = [{ model: MODEL_A, until: '2026-03-01T04:26:00.000Z', limit: 'RPM' }];
    expect(keys.map((k) => k.cooling)).toEqual([expected, expected, expected, [], []]);
    expect(keys.every((k) => k.status === 'active')).toBe(true);
    const stats = await get('/admin/api/stats');
    expect(stats.keys).toMatchObject({ byStatus: { active: 5 }, cooling: 3 });
    const metrics = await (await fetch(`${p.base}/metrics`, { headers: { authorization: `Bearer ${p.accessKey}` } })).text();
    expect(metrics).toMatch(/^sfm_keys_cooling 3$/m);
  });

  it('without a session the cooling list is refused', async () => {
    p = await twoAccounts();
    const res = await fetch(`${p.base}/admin/api/pool/cooling`);
    expect(res.status).toBe(401);
  });
});
