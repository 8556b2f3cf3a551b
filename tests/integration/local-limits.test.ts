import { afterEach, describe, expect, it, vi } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

/**
 * Local budgets (issue 13, ACCOUNT_LIMITS) over real sockets against the fake SiliconFlow: the pool
 * spreads requests over accounts so that none goes over what the admin allows, and answers 429 with
 * Retry-After itself — without calling SiliconFlow — once every account is used up. The clock is
 * injected (only Date is faked), so a minute or a China day passes without waiting.
 */
let p: Proxy;
afterEach(async () => {
  vi.useRealTimers();
  await p?.close();
});

const V3 = 'deepseek-ai/DeepSeek-V3';
const R1 = 'deepseek-ai/DeepSeek-R1';
/** 2026-12-01 10:00:30 in China: half a minute before the next minute. */
const T = Date.UTC(2026, 11, 1, 2, 0, 30);
const NEXT_MINUTE = Date.UTC(2026, 11, 1, 2, 1, 0);
const CHINA_MIDNIGHT = Date.UTC(2026, 11, 1, 16, 0, 0);

/** Keys of these accounts, one each, with ACCOUNT_LIMITS set; each key's account stored as the admin would. */
async function proxyWith(accounts: string[], limits: string) {
  vi.useFakeTimers({ toFake: ['Date'], now: T });
  p = await startProxy(
    accounts.map((account, i) => [fakeKey(i), { account }]),
    { env: { ACCOUNT_LIMITS: limits } },
  );
  const admin = await signInAdmin();
  const setAccount = p.ctx.db.prepare("UPDATE keys SET account = ?, account_source = 'admin' WHERE id = ?");
  for (const [i, id] of p.ids.entries()) {
    setAccount.run(accounts[i], id);
    // An admin edit reloads the key's row into the pool, account and all.
    expect((await admin.send('PATCH', `/admin/api/keys/${id}`, { note: accounts[i] })).status).toBe(200);
    expect(p.ctx.pool.get(id)?.account).toBe(accounts[i]);
  }
  return admin;
}

async function signInAdmin() {
  const login = await fetch(`${p.base}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'test-admin-password' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const send = (method: string, path: string, body?: unknown) =>
    fetch(p.base + path, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { send };
}

const ask = (model = V3) => p.call('/v1/chat/completions', { json: chat(model) });
const chats = () => p.fake.requests.filter((r) => r.path === '/v1/chat/completions');
const perKey = () => [0, 1, 2].map((i) => chats().filter((r) => r.key === fakeKey(i)).length);

describe('local budgets per account and model', () => {
  it('* * rpm=2 spreads six requests 2/2/2 over three accounts; the seventh gets 429 until the next minute, without an upstream call', async () => {
    const admin = await proxyWith(['acc-1', 'acc-2', 'acc-3'], '* * rpm=2');
    for (let i = 0; i < 6; i++) expect((await ask()).status).toBe(200);
    expect(perKey()).toEqual([2, 2, 2]);

    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String((NEXT_MINUTE - T) / 1000));
    expect(((await refused.json()) as { code: number }).code).toBe(42900);
    expect(chats()).toHaveLength(6);

    const report = await admin.send('GET', '/admin/api/pool/limits');
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({
      lines: ['* * rpm=2'],
      total: 3,
      pairs: expect.arrayContaining([
        {
          account: 'acc-2',
          model: V3,
          line: '* * rpm=2',
          rpm: { used: 2, limit: 2 },
          tpm: null,
          rpd: null,
          blockedUntil: new Date(NEXT_MINUTE).toISOString(),
        },
      ]),
    });

    vi.setSystemTime(NEXT_MINUTE);
    expect((await ask()).status).toBe(200);
    expect(chats()).toHaveLength(7);
  });

  it('tpm blocks an account once the tokens its answers reported cross the limit, and the other account serves meanwhile', async () => {
    const admin = await proxyWith(['acc-1', 'acc-2'], '* * tpm=1000000');
    const first = await ask();
    expect(first.status).toBe(200);
    const { usage } = (await first.json()) as { usage: { total_tokens: number } };
    // One answer's tokens stay under the limit, two cross it (what was counted stays counted on a change).
    const limit = usage.total_tokens + 1;
    expect((await admin.send('PUT', '/admin/api/settings', { accountLimits: [`* * tpm=${limit}`] })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    expect(chats().map((r) => r.key)).toEqual([fakeKey(0), fakeKey(1), fakeKey(0), fakeKey(1)]);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String((NEXT_MINUTE - T) / 1000));
    expect(chats()).toHaveLength(4);
    const { pairs } = (await (await admin.send('GET', '/admin/api/pool/limits')).json()) as { pairs: { account: string; tpm: unknown }[] };
    expect(pairs.find((x) => x.account === 'acc-1')?.tpm).toEqual({ used: 2 * usage.total_tokens, limit });
  });

  it("counts a stream's tokens from its usage once it ends", async () => {
    const admin = await proxyWith(['acc-1'], '* * tpm=1000000');
    const res = await p.call('/v1/chat/completions', { json: chat(V3, { stream: true }) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const usages = [...text.matchAll(/"total_tokens":(\d+)/g)].map((m) => Number(m[1]));
    expect(usages.length).toBeGreaterThan(0);
    const { pairs } = (await (await admin.send('GET', '/admin/api/pool/limits')).json()) as { pairs: { tpm: unknown; rpm: unknown }[] };
    expect(pairs[0]?.tpm).toEqual({ used: usages.at(-1), limit: 1_000_000 });
  });

  it('GET /admin/api/pool/limits is for the admin only', async () => {
    await proxyWith(['acc-1'], '* * rpm=1');
    const res = await fetch(`${p.base}/admin/api/pool/limits`);
    expect(res.status).toBe(401);
  });

  it('an rpd line on one model blocks it until the China midnight and leaves the other models alone', async () => {
    await proxyWith(['acc-1'], `* ${V3} rpd=1`);
    expect((await ask(V3)).status).toBe(200);
    const refused = await ask(V3);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String((CHINA_MIDNIGHT - T) / 1000));
    for (let i = 0; i < 3; i++) expect((await ask(R1)).status).toBe(200);
    vi.setSystemTime(CHINA_MIDNIGHT);
    expect((await ask(V3)).status).toBe(200);
  });

  it("the most specific line wins: an account's own line over * * ", async () => {
    await proxyWith(['acc-1', 'acc-2'], '* * rpm=1,acc-1 * rpm=3');
    for (let i = 0; i < 4; i++) expect((await ask()).status).toBe(200);
    expect(perKey().slice(0, 2)).toEqual([3, 1]);
    expect((await ask()).status).toBe(429);
  });

  it('none in the admin settings turns the budgets off at once, and a new line applies at once', async () => {
    const admin = await proxyWith(['acc-1'], '* * rpm=1');
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);
    const off = await admin.send('PUT', '/admin/api/settings', { accountLimits: ['none'] });
    expect(off.status).toBe(200);
    expect(((await off.json()) as { values: { accountLimits: string[] } }).values.accountLimits).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    expect((await admin.send('PUT', '/admin/api/settings', { accountLimits: ['acc-1 * rpm=2'] })).status).toBe(200);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);
    expect(p.ctx.db.prepare("SELECT value FROM settings WHERE name = 'accountLimits'").get()).toEqual({ value: '["acc-1 * rpm=2"]' });
  });

  it('refuses a bad line in the settings API with its number, and saves nothing', async () => {
    const admin = await proxyWith(['acc-1'], '* * rpm=5');
    const res = await admin.send('PUT', '/admin/api/settings', {
      accountLimits: ['* * rpm=2', 'acc-1 V3 rpm=fast'],
      keyStrategy: 'random',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'invalid-setting', message: 'accountLimits: line 2 "acc-1 V3 rpm=fast": "rpm=fast" is not rpm=N, tpm=N or rpd=N' },
    });
    expect(p.ctx.db.prepare('SELECT name FROM settings').all()).toEqual([]);
    expect(p.ctx.settings.get()).toMatchObject({ accountLimits: ['* * rpm=5'], keyStrategy: 'round-robin' });
  });
});
