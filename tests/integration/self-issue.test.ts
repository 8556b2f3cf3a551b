import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

/**
 * Self-issue for guests (issue 12, guestSelfService) over real sockets: each refusal with its code,
 * the per-address and total limits, restricted vs open vs private, what the database and the admin's
 * list hold, and that the key works on /v1 with its preset and nothing more.
 */
let p: Proxy;
afterEach(() => p?.close());

const FREE = 'Qwen/Qwen2.5-7B-Instruct';
const PAID = 'deepseek-ai/DeepSeek-V3';
const ON = { GUEST_SELF_SERVICE: 'true', TRUST_PROXY: 'loopback' };

async function start(env: Record<string, string> = {}) {
  p = await startProxy([[fakeKey(0), {}]], { env: { ...ON, ...env } });
  return p;
}

/** POST /api/client-key/self-issue from `ip` (TRUST_PROXY=loopback makes X-Forwarded-For count). */
async function selfIssue(ip: string, body: unknown = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.base}/api/client-key/self-issue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown> & { key?: string; error?: { code: string; message: string } };
  return { status: res.status, json, code: json.error?.code, cacheControl: res.headers.get('cache-control') };
}

const chatWith = (key: string, model: string) =>
  fetch(`${p.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(chat(model)),
  });

const selfIssuedRows = () =>
  p.ctx.db.prepare('SELECT id, name, self_issued, issued_to, expires_at, created_at FROM clients WHERE self_issued = 1').all() as {
    id: number;
    name: string;
    self_issued: number;
    issued_to: string;
    expires_at: number;
    created_at: number;
  }[];

async function guestCookie(password: string): Promise<string> {
  const res = await fetch(`${p.base}/guest/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `password=${encodeURIComponent(password)}`,
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('POST /api/client-key/self-issue', () => {
  it('is 403 self-issue-off by default, and creates nothing', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await selfIssue('10.0.0.1');
    expect(res).toMatchObject({ status: 403, code: 'self-issue-off' });
    expect(selfIssuedRows()).toEqual([]);
  });

  it('open mode: any visitor gets one key from the preset, shown once, marked self-issued in the admin list', async () => {
    await start({ SELF_ISSUE_DAYS: '7', SELF_ISSUE_RPM: '5', SELF_ISSUE_DAILY_BUDGET: '0.2' });
    const before = Date.now();
    const res = await selfIssue('10.0.0.1', { name: 'Bob' });
    expect(res.status).toBe(201);
    expect(res.cacheControl).toBe('no-store');
    const key = res.json.key!;
    expect(key).toMatch(/^sfm-/);
    expect(res.json.client).toMatchObject({ name: 'Bob', freeOnly: true, budgets: { day: '0.2', month: null, total: null }, rpm: 5 });
    const [row] = selfIssuedRows();
    expect(row).toMatchObject({ name: 'Bob', self_issued: 1 });
    // Seven days from the request (the row's creation time is read a moment later).
    const week = 7 * 24 * 3600 * 1000;
    expect(row!.expires_at - row!.created_at).toBeGreaterThan(week - 1000);
    expect(row!.expires_at - row!.created_at).toBeLessThanOrEqual(week);
    expect(row!.created_at).toBeGreaterThanOrEqual(before);
    // The database keeps a keyed hash of the address, never the address.
    expect(row!.issued_to).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(p.ctx.db.prepare('SELECT * FROM clients').all())).not.toContain('10.0.0.1');

    const cookie = await p.adminCookie();
    const list = await fetch(`${p.base}/admin/api/clients`, { headers: { cookie } });
    const text = await list.text();
    expect(text).not.toContain(key);
    const items = (JSON.parse(text) as { items: { id: number; selfIssued: boolean; name: string }[] }).items;
    expect(items.map((c) => [c.name, c.selfIssued])).toEqual([
      ['default', false],
      ['Bob', true],
    ]);
  });

  it('the key works on /v1 with its preset: a free model is served, a paid one is 403 40302, its RPM is 429 42902', async () => {
    await start({ SELF_ISSUE_RPM: '2' });
    const key = (await selfIssue('10.0.0.1')).json.key!;
    expect((await chatWith(key, FREE)).status).toBe(200);
    const paid = await chatWith(key, PAID);
    expect(paid.status).toBe(403);
    expect(((await paid.json()) as { code: number }).code).toBe(40302);
    expect((await chatWith(key, FREE)).status).toBe(200);
    const third = await chatWith(key, FREE);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { code: number }).code).toBe(42902);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('one key per address per 24 hours: the second is 429 self-issue-ip-limit, deleting the first buys none; another address gets one', async () => {
    await start();
    expect((await selfIssue('10.0.0.1')).status).toBe(201);
    expect(await selfIssue('10.0.0.1')).toMatchObject({ status: 429, code: 'self-issue-ip-limit' });
    p.ctx.clients.remove(selfIssuedRows()[0]!.id);
    expect(await selfIssue('10.0.0.1')).toMatchObject({ status: 429, code: 'self-issue-ip-limit' });
    expect((await selfIssue('10.0.0.2')).status).toBe(201);
    expect(selfIssuedRows()).toHaveLength(2);
  });

  it('at most SELF_ISSUE_MAX_KEYS live at once: then 403 self-issue-full; a deleted one frees its place', async () => {
    await start({ SELF_ISSUE_MAX_KEYS: '2' });
    expect((await selfIssue('10.0.0.1')).status).toBe(201);
    expect((await selfIssue('10.0.0.2')).status).toBe(201);
    expect(await selfIssue('10.0.0.3')).toMatchObject({ status: 403, code: 'self-issue-full' });
    // The admin's own keys do not count against the guests' cap.
    p.ctx.clients.remove(selfIssuedRows()[0]!.id);
    expect((await selfIssue('10.0.0.3')).status).toBe(201);
    expect(await selfIssue('10.0.0.4')).toMatchObject({ status: 403, code: 'self-issue-full' });
  });

  it('restricted mode: 401 not-allowed without the guest password; a signed-in guest gets one', async () => {
    await start({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    expect(await selfIssue('10.0.0.1')).toMatchObject({ status: 401, code: 'not-allowed' });
    expect(selfIssuedRows()).toEqual([]);
    const cookie = await guestCookie('open-sesame');
    expect((await selfIssue('10.0.0.1', {}, { cookie })).status).toBe(201);
  });

  it('private mode: 403 self-issue-private, even with the setting on', async () => {
    await start({ ACCESS_CONTROL: 'private' });
    expect(await selfIssue('10.0.0.1')).toMatchObject({ status: 403, code: 'self-issue-private' });
    expect(selfIssuedRows()).toEqual([]);
  });

  it('the admin switching it off stops it at the next request', async () => {
    await start();
    p.ctx.settings.update({ guestSelfService: false });
    expect(await selfIssue('10.0.0.1')).toMatchObject({ status: 403, code: 'self-issue-off' });
  });

  it('takes only JSON (415 json-required) and names a bad field (400 invalid-request)', async () => {
    await start();
    const form = await fetch(`${p.base}/api/client-key/self-issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('json-required');
    const bad = await selfIssue('10.0.0.1', { name: 'x', budget: 100 });
    expect(bad).toMatchObject({ status: 400, code: 'invalid-request' });
    expect(selfIssuedRows()).toEqual([]);
  });
});

describe('the user page', () => {
  it('shows the form only when the setting is on and the page is not private', async () => {
    await start();
    const on = await (await fetch(`${p.base}/`)).text();
    expect(on).toContain('id="self-issue-form"');
    expect(on).toContain('/js/self-issue.js');
    p.ctx.settings.update({ guestSelfService: false });
    const off = await (await fetch(`${p.base}/`)).text();
    expect(off).not.toContain('id="self-issue-form"');
  });
});
