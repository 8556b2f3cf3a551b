/**
 * Issue 14, the alert engine's sources: each event fires once from what the pool really learned —
 * check runs against the fake SiliconFlow, the ledger's runway, a client key's budget spent through
 * /v1, SiliconFlow's IP block (50603) and 429s — with the numbers in its message, and resolves. The
 * gauges Alertmanager rules read come from the same tick, over a real /metrics scrape.
 */
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRecorder } from '../helpers/alert-recorder.js';
import { chat, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { seedPool } from '../helpers/spend-fixtures.js';
import { clientSettings, fakeKey, signIn, startTestApp, waitForJob, type TestApp } from '../helpers/test-app.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';

const V3 = 'deepseek-ai/DeepSeek-V3';

let t: TestApp | Proxy;
let sent: AlertRecorder;
let T: number;
afterEach(() => t?.close());

async function proxy(keys: [string, Partial<FakeKeyState>][], env: Record<string, string> = {}) {
  sent = new AlertRecorder();
  const p = await startProxy(keys, { env, alertSinks: [sent] });
  t = p;
  T = Date.now();
  return p;
}
const tickAt = (ms: number) => t.ctx.alerts.tick(T + ms);
const clearAfter = (event: string, seconds: number) => {
  t.ctx.alertRules.update(event, { clearAfterSeconds: seconds });
};
const scrape = async () => (await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.ctx.accessKey.current().key}`)).text;

async function checkAll() {
  const admin = await signIn(t.app);
  const res = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
  expect(res.status).toBe(202);
  return waitForJob(admin, res.body.jobId);
}

describe('check-failed', () => {
  it('fires when a run could not check most of its keys, and resolves after the next run that could', async () => {
    const keys = [1, 2, 3, 4].map(fakeKey);
    const p = await proxy(keys.map((k, i) => [k, { behavior: i < 3 ? 'server-error' : 'ok' }]));
    clearAfter('check-failed', 1);
    await checkAll();
    tickAt(0);
    tickAt(1000);
    expect(sent.states('check-failed')).toEqual(['firing']);
    expect(sent.of('check-failed')[0]!.data).toMatchObject({ kind: 'check-all', checked: 4, failed: 3, share: 0.5 });
    expect(await scrape()).toMatch(/^sfm_check_last_run_failed_ratio 0\.75$/m);
    for (const k of keys) p.fake.setKey(k, { behavior: 'ok' });
    await checkAll();
    tickAt(2000);
    tickAt(3000);
    expect(sent.states('check-failed')).toEqual(['firing', 'resolved']);
    expect(await scrape()).toMatch(/^sfm_check_last_run_failed_ratio 0$/m);
  });

  it('after a restart an open check-failed incident waits for the next good run, instead of resolving', async () => {
    await proxy([1, 2, 3].map((n) => [fakeKey(n), { behavior: 'server-error' as const }]));
    clearAfter('check-failed', 1);
    await checkAll();
    tickAt(0);
    t.ctx.alerts.stop();
    const restarted = t.restart();
    restarted.ctx.alerts.tick(T + 1000);
    restarted.ctx.alerts.tick(T + 5000);
    expect(sent.states('check-failed')).toEqual(['firing']);
    expect(restarted.ctx.db.prepare("SELECT state FROM alert_incidents WHERE event = 'check-failed'").all()).toEqual([{ state: 'firing' }]);
  });

  it('a run of fewer than 3 keys says nothing about the pool', async () => {
    await proxy([[fakeKey(1), { behavior: 'server-error' }]]);
    await checkAll();
    tickAt(0);
    expect(sent.states('check-failed')).toEqual([]);
  });
});

describe('runway-low', () => {
  it('fires per credit below the threshold (critical below a quarter), with the ledger numbers, and links to the spend tab', async () => {
    sent = new AlertRecorder();
    t = await startTestApp({ env: { PUBLIC_URL: 'https://pool.example.com/' }, alertSinks: [sent] });
    seedPool(t); // gift lasts 120 h, paid 250 h (spend-fixtures.ts)
    T = Date.now();
    tickAt(0);
    expect(sent.states('runway-low')).toEqual([]); // 24 h threshold
    t.ctx.alertRules.update('runway-low', { params: { hours: 500 } });
    tickAt(61_000); // the runway is read at most once a minute
    expect(sent.states('runway-low')).toEqual(['firing gift', 'firing paid']);
    const [gift, paid] = sent.of('runway-low');
    expect(gift).toMatchObject({ severity: 'critical', data: { credit: 'gift', hours: 120, thresholdHours: 500, perHour: '0.1' } });
    expect(paid).toMatchObject({ severity: 'warning', data: { credit: 'paid', hours: 250 } });
    expect(gift!.text.en).toContain('120 h');
    expect(gift!.link).toBe('https://pool.example.com/admin#spend');
  });

  it('an unknown runway never fires', async () => {
    sent = new AlertRecorder();
    t = await startTestApp({ alertSinks: [sent] });
    t.ctx.keys.import(fakeKey(1));
    T = Date.now();
    t.ctx.alertRules.update('runway-low', { params: { hours: 8760 } });
    tickAt(0);
    expect(sent.states('runway-low')).toEqual([]);
  });
});

describe('client-budget', () => {
  it('fires for the client key that reached its budget, with its name, period, limit and spend', async () => {
    const p = await proxy([[fakeKey(1), {}]]);
    const { key, client } = t.ctx.clients.create(clientSettings({ name: 'team-a', budgets: { day: 1, month: null, total: null } }));
    const res = await p.call('/v1/chat/completions', { json: chat(V3), headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    tickAt(0);
    expect(sent.states('client-budget')).toEqual([`firing ${client.id}`]);
    const [m] = sent.of('client-budget');
    expect(m).toMatchObject({ severity: 'info', data: { clientId: client.id, name: 'team-a', period: 'day', limit: '0.000000001' } });
    expect(Number(m!.data.spent)).toBeGreaterThan(0);
    expect(JSON.stringify(m)).not.toContain(key);
    expect(await scrape()).toMatch(/^sfm_clients_over_budget 1$/m);
    // The refused request that follows changes nothing: the same incident.
    expect((await p.call('/v1/chat/completions', { json: chat(V3), headers: { authorization: `Bearer ${key}` } })).status).toBe(429);
    tickAt(1000);
    expect(sent.states('client-budget')).toEqual([`firing ${client.id}`]);
  });
});

describe('ip-blocked and model-cooling, from the proxy', () => {
  it("SiliconFlow's 50603 fires ip-blocked (not pool-backoff) with the time left, and it resolves once the back-off ran out", async () => {
    const p = await proxy([[fakeKey(1), { behavior: 'ip-blocked' }]], { POOL_BACKOFF_SECONDS: '30' });
    clearAfter('ip-blocked', 1);
    await p.call('/v1/chat/completions', { json: chat(V3) });
    tickAt(0);
    expect(sent.states('ip-blocked')).toEqual(['firing']);
    expect(sent.states('pool-backoff')).toEqual([]);
    expect(Number(sent.of('ip-blocked')[0]!.data.secondsLeft)).toBeGreaterThan(25);
    expect(await scrape()).toMatch(/^sfm_pool_backoff_seconds\{reason="ip-blocked"\} (29|30|31)$/m);
    expect(await scrape()).toMatch(/^sfm_pool_backoff_seconds\{reason="rate-limited"\} 0$/m);
    tickAt(31_000);
    tickAt(32_000);
    expect(sent.states('ip-blocked')).toEqual(['firing', 'resolved']);
  });

  it('most accounts answering 429 for one model at once fires pool-backoff (not ip-blocked)', async () => {
    const p = await proxy([1, 2, 3].map((n) => [fakeKey(n), { behavior: 'rate-limited' as const, account: `acct-${n}` }]));
    expect((await p.call('/v1/chat/completions', { json: chat(V3) })).status).toBe(429);
    tickAt(0);
    expect(sent.states('pool-backoff')).toEqual(['firing']);
    expect(sent.states('ip-blocked')).toEqual([]);
    expect(sent.of('pool-backoff')[0]).toMatchObject({ severity: 'warning', data: { reason: 'rate-limited' } });
  });

  it('every serving account cooling for a model fires model-cooling for that model', async () => {
    const p = await proxy([[fakeKey(1), { behavior: 'rate-limited', retryAfterSeconds: 120 }]]);
    expect((await p.call('/v1/chat/completions', { json: chat(V3) })).status).toBe(429);
    tickAt(0);
    expect(sent.states('model-cooling')).toEqual([`firing ${V3}`]);
    expect(sent.of('model-cooling')[0]!.data).toMatchObject({ model: V3, accounts: 1 });
    expect(await scrape()).toMatch(/^sfm_models_cooling_all 1$/m);
  });
});

describe('keys-exhausted, from what the proxy learned', () => {
  it('a key the proxy found out of money (30001) is batched once its state is written, and clears when it is topped up', async () => {
    const p = await proxy([
      [fakeKey(1), { behavior: 'exhausted' }],
      [fakeKey(2), {}],
      [fakeKey(3), {}],
      [fakeKey(4), {}],
    ]);
    t.ctx.alertRules.update('keys-exhausted', { clearAfterSeconds: 0, params: { gatherSeconds: 0 } });
    for (let i = 0; i < 4; i++) await p.call('/v1/chat/completions', { json: chat(V3) });
    t.ctx.flush(); // the pool's write-behind: the status change reaches key_events
    T = Date.now();
    tickAt(0);
    expect(sent.states('keys-exhausted')).toEqual(['firing']);
    expect(sent.of('keys-exhausted')[0]!.data).toMatchObject({ count: 1, stillIn: 1, keyIds: String(p.ids[0]) });
    const admin = await signIn(t.app);
    const topUp = await admin.agent.post(`/admin/api/keys/${p.ids[0]}/top-up`).set('X-CSRF-Token', admin.csrf).send({ amount: '5' });
    expect(topUp.status).toBe(200);
    tickAt(1000);
    expect(sent.states('keys-exhausted')).toEqual(['firing', 'resolved']);
  });
});

describe('the gauges', () => {
  it('export what the last tick saw: keys, firing incidents, the default password', async () => {
    await proxy([
      [fakeKey(1), {}],
      [fakeKey(2), {}],
    ]);
    tickAt(0);
    const text = await scrape();
    expect(text).toMatch(/^sfm_keys_usable 2$/m);
    expect(text).toMatch(/^sfm_keys_enabled 2$/m);
    expect(text).toMatch(/^sfm_alerts_firing\{event="keys-low"\} 1$/m);
    expect(text).toMatch(/^sfm_alerts_firing\{event="runway-low"\} 0$/m);
    expect(text).toMatch(/^sfm_admin_default_password 0$/m);
    expect(sent.states('keys-low')).toEqual(['firing']);
  });
});
