/**
 * Issue 14, the alert engine: the rules API, and the incidents it keeps per event and subject — one
 * firing message, none while the condition holds or flaps, one resolved message once it stayed clear
 * for clearAfterSeconds, nothing sent again after a restart. The engine's tick is driven from the
 * test with its own clock (tick(now)); what it decided is read back over HTTP and from the database,
 * what it sent from a recording sink beside the log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALERT_EVENTS } from '../../src/alerts/alert-types.js';
import { startScheduledJobs } from '../../src/jobs/scheduled-jobs.js';
import { AlertRecorder } from '../helpers/alert-recorder.js';
import { fakeKey, signIn, startTestApp, TEST_ADMIN_PASSWORD, waitForJob, type Admin, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Admin;
let sent: AlertRecorder;
/** The test's clock origin: ticks run at T + ms. */
let T: number;
afterEach(() => t?.close());

async function setup(options: Parameters<typeof startTestApp>[0] = {}) {
  sent = new AlertRecorder();
  t = await startTestApp({ ...options, alertSinks: [sent] });
  admin = await signIn(t.app, 'admin', options.env?.ADMIN_PASSWORD ?? TEST_ADMIN_PASSWORD);
  T = Date.now();
}

const tickAt = (ms: number, app = t) => app.ctx.alerts.tick(T + ms);
const patchRule = (event: string, body: unknown, a = admin) =>
  a.agent
    .patch(`/admin/api/alerts/rules/${event}`)
    .set('X-CSRF-Token', a.csrf)
    .send(body as object);
const setEnabled = (id: number, enabled: boolean, a = admin) =>
  a.agent.patch(`/admin/api/keys/${id}`).set('X-CSRF-Token', a.csrf).send({ enabled });
async function incidents(query = '', a = admin) {
  const res = await a.agent.get(`/admin/api/alerts/incidents${query}`);
  expect(res.status).toBe(200);
  return res.body.incidents as Record<string, any>[];
}
const storedRules = () => t.ctx.db.prepare('SELECT event, enabled, severity, clear_after_s, params FROM alert_rules').all();

/** Three usable keys (the fake answers them), so keys-low holds once one is switched off. */
async function threeKeys() {
  const keys = [1, 2, 3].map(fakeKey);
  await setup({ keys: Object.fromEntries(keys.map((k) => [k, { behavior: 'ok' as const }])) });
  return t.ctx.keys.import(keys.join('\n')).addedIds;
}

describe('the rules API', () => {
  it('lists every event in order, enabled, with the documented defaults, on a fresh database', async () => {
    await setup();
    const res = await admin.agent.get('/admin/api/alerts/rules');
    expect(res.status).toBe(200);
    const rules = res.body.rules as Record<string, any>[];
    expect(rules.map((r) => r.event)).toEqual([...ALERT_EVENTS]);
    expect(rules.every((r) => r.enabled && r.clearAfterSeconds === 60 && r.label.zh && r.label.en && r.help.en)).toBe(true);
    const byEvent = Object.fromEntries(rules.map((r) => [r.event, [r.severity, r.params]]));
    expect(byEvent).toEqual({
      'keys-low': ['critical', { minCount: 3, minShare: 0.2 }],
      'runway-low': ['warning', { hours: 24 }],
      'keys-invalid': ['warning', { windowMinutes: 10, gatherSeconds: 30 }],
      'keys-exhausted': ['warning', { windowMinutes: 10, gatherSeconds: 30 }],
      'model-cooling': ['warning', {}],
      'ip-blocked': ['critical', {}],
      'pool-backoff': ['warning', {}],
      'check-failed': ['warning', { share: 0.5 }],
      'client-budget': ['info', {}],
      'default-password': ['critical', {}],
    });
    expect(storedRules()).toEqual([]);
  });

  it('a PATCH merges params, is stored, answers the rule, and holds after a restart', async () => {
    await setup();
    const res = await patchRule('keys-low', { severity: 'warning', clearAfterSeconds: 5, params: { minCount: 10 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ event: 'keys-low', enabled: true, severity: 'warning', clearAfterSeconds: 5 });
    expect(res.body.params).toEqual({ minCount: 10, minShare: 0.2 });
    expect(storedRules()).toEqual([
      { event: 'keys-low', enabled: 1, severity: 'warning', clear_after_s: 5, params: '{"minCount":10,"minShare":0.2}' },
    ]);
    const restarted = t.restart();
    const again = await signIn(restarted.app);
    const one = await again.agent.get('/admin/api/alerts/rules/keys-low');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ severity: 'warning', clearAfterSeconds: 5, params: { minCount: 10, minShare: 0.2 } });
  });

  it.each([
    [{ severity: 'loud' }, 'severity'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ clearAfterSeconds: -1 }, 'clearAfterSeconds'],
    [{ clearAfterSeconds: 86_401 }, 'clearAfterSeconds'],
    [{ clearAfterSeconds: 1.5 }, 'clearAfterSeconds'],
    [{ colour: 'red' }, 'colour'],
    [{ params: { minShare: 2 } }, 'params.minShare'],
    [{ params: { minCount: -1 } }, 'params.minCount'],
    [{ params: { bogus: 1 } }, 'params'],
    [{ params: 'many' }, 'params'],
  ])('refuses %j with 400 invalid-alert-rule naming %s, and stores nothing', async (body, field) => {
    await setup();
    const res = await patchRule('keys-low', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-alert-rule');
    expect(res.body.error.message).toContain(field);
    expect(storedRules()).toEqual([]);
  });

  it('an unknown event is 404 alert-event-not-found, for GET and PATCH', async () => {
    await setup();
    const get = await admin.agent.get('/admin/api/alerts/rules/keys-gone');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('alert-event-not-found');
    const patch = await patchRule('keys-gone', { enabled: false });
    expect(patch.status).toBe(404);
    expect(patch.body.error.code).toBe('alert-event-not-found');
    expect(storedRules()).toEqual([]);
  });

  it('refuses a change without the CSRF token, and the incidents query is checked', async () => {
    await setup();
    const res = await admin.agent.patch('/admin/api/alerts/rules/keys-low').send({ enabled: false });
    expect(res.status).toBe(403);
    expect(storedRules()).toEqual([]);
    const bad = await admin.agent.get('/admin/api/alerts/incidents?limit=0');
    expect(bad.status).toBe(400);
    expect((await admin.agent.get('/admin/api/alerts/incidents?state=open')).status).toBe(400);
  });
});

describe('incidents: one firing message, one resolved message', () => {
  it('keys-low fires once with the numbers, stays single while it flaps, resolves after clearAfterSeconds', async () => {
    const [a] = await threeKeys();
    await patchRule('keys-low', { clearAfterSeconds: 1 });
    tickAt(0);
    expect(sent.states('keys-low')).toEqual([]);
    await setEnabled(a!, false);
    tickAt(1000);
    tickAt(2000);
    expect(sent.states('keys-low')).toEqual(['firing']);
    const [firing] = sent.of('keys-low');
    expect(firing).toMatchObject({ severity: 'critical', data: { usable: 2, enabled: 2, total: 3, minCount: 3 } });
    expect(firing!.text.en).toContain('2 usable keys');
    expect(firing!.text.zh).toContain('可用密钥');
    expect(firing!.link).toMatch(/^http:\/\/localhost:\d+\/admin#keys$/);
    // Flaps: clear, back within the second, clear again: still the one incident, no message.
    await setEnabled(a!, true);
    tickAt(2500);
    expect((await incidents('?state=firing'))[0]).toMatchObject({ state: 'clearing', clearSince: new Date(T + 2500).toISOString() });
    await setEnabled(a!, false);
    tickAt(3000);
    await setEnabled(a!, true);
    tickAt(3200);
    tickAt(4000);
    expect(sent.states('keys-low')).toEqual(['firing']);
    tickAt(4200);
    expect(sent.states('keys-low')).toEqual(['firing', 'resolved']);
    const [, resolved] = sent.of('keys-low');
    expect(resolved!.incidentId).toBe(firing!.incidentId);
    expect(resolved).toMatchObject({ resolvedAt: new Date(T + 4200).toISOString(), startedAt: new Date(T + 1000).toISOString() });
    expect(resolved!.title.en).toMatch(/^Resolved: /);
    const [row] = await incidents();
    expect(row).toMatchObject({ id: Number(firing!.incidentId), event: 'keys-low', state: 'resolved', subject: '' });
    expect(await incidents('?state=firing')).toEqual([]);
    expect(t.ctx.db.prepare('SELECT state, resolved_at FROM alert_incidents').all()).toEqual([
      { state: 'resolved', resolved_at: T + 4200 },
    ]);
  });

  it('a restart neither sends a firing incident again nor forgets to resolve it', async () => {
    const [a] = await threeKeys();
    await setEnabled(a!, false);
    tickAt(0);
    expect(sent.states('keys-low')).toEqual(['firing']);
    t.ctx.alerts.stop();
    const restarted = t.restart();
    const again = await signIn(restarted.app);
    tickAt(1000, restarted);
    tickAt(2000, restarted);
    expect(sent.states('keys-low')).toEqual(['firing']);
    expect((await incidents('?state=firing', again)).map((i) => i.event)).toEqual(['keys-low']);
    await setEnabled(a!, true, again);
    tickAt(3000, restarted);
    tickAt(62_999, restarted);
    expect(sent.states('keys-low')).toEqual(['firing']);
    tickAt(63_000, restarted);
    expect(sent.states('keys-low')).toEqual(['firing', 'resolved']);
    expect(sent.of('keys-low')[1]!.incidentId).toBe(sent.of('keys-low')[0]!.incidentId);
  });

  it('a disabled rule sends nothing; turning it off while firing resolves with a message that says so', async () => {
    const [a, b] = await threeKeys();
    expect((await patchRule('keys-low', { enabled: false })).status).toBe(200);
    await setEnabled(a!, false);
    tickAt(0);
    expect(sent.states('keys-low')).toEqual([]);
    expect(await incidents()).toEqual([]);
    await patchRule('keys-low', { enabled: true });
    tickAt(1000);
    expect(sent.states('keys-low')).toEqual(['firing']);
    await patchRule('keys-low', { enabled: false });
    await setEnabled(b!, false);
    tickAt(2000);
    expect(sent.states('keys-low')).toEqual(['firing', 'resolved']);
    expect(sent.of('keys-low')[1]!.text.en).toContain('turned off');
    tickAt(3000);
    expect(sent.states('keys-low')).toEqual(['firing', 'resolved']);
  });

  it('a PATCH of the params takes effect at the next tick', async () => {
    await threeKeys();
    tickAt(0);
    expect(sent.states('keys-low')).toEqual([]);
    await patchRule('keys-low', { params: { minCount: 4 } });
    tickAt(1000);
    expect(sent.states('keys-low')).toEqual(['firing']);
    expect(sent.of('keys-low')[0]!.data).toMatchObject({ usable: 3, minCount: 4 });
  });
});

describe('keys-invalid: a burst is one message', () => {
  it('waits gatherSeconds, counts the burst, stays single while it lasts, and resolves with the final count', async () => {
    const bad = [11, 12, 13, 14, 15].map(fakeKey);
    const good = [1, 2, 3].map(fakeKey);
    const keys = { ...Object.fromEntries(bad.map((k) => [k, { behavior: 'invalid' as const }])) };
    await setup({ keys: { ...keys, ...Object.fromEntries(good.map((k) => [k, { behavior: 'ok' as const }])) } });
    await patchRule('keys-invalid', { clearAfterSeconds: 1, params: { windowMinutes: 1 } });
    t.ctx.keys.import([...bad.slice(0, 3), ...good].join('\n'));
    const first = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    await waitForJob(admin, first.body.jobId);
    T = Date.now();
    tickAt(0);
    expect(sent.states('keys-invalid')).toEqual([]); // gathering
    // Two more arrive within the window: the same burst.
    t.ctx.keys.import(bad.slice(3).join('\n'));
    const second = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({ status: 'active' });
    await waitForJob(admin, second.body.jobId);
    tickAt(30_500);
    tickAt(40_000);
    expect(sent.states('keys-invalid')).toEqual(['firing']);
    const [firing] = sent.of('keys-invalid');
    expect(firing!.data).toMatchObject({ count: 5, stillIn: 5, windowMinutes: 1 });
    expect(firing!.title.en).toBe('5 keys turned invalid');
    expect(String(firing!.data.keys).split(', ')).toHaveLength(5);
    expect(firing!.link).toMatch(/\/admin#keys$/);
    // Masked keys only: no full key in a message or in the API.
    const listed = JSON.stringify(await incidents());
    for (const key of bad) {
      expect(JSON.stringify(sent.messages)).not.toContain(key);
      expect(listed).not.toContain(key);
    }
    expect(sent.states('keys-exhausted')).toEqual([]);
    // The window (1 min) passes with no new arrival: clearing, then resolved one second later.
    tickAt(Date.now() - T + 61_000);
    expect(sent.states('keys-invalid')).toEqual(['firing']);
    tickAt(Date.now() - T + 62_100);
    expect(sent.states('keys-invalid')).toEqual(['firing', 'resolved']);
    expect(sent.of('keys-invalid')[1]!.text.en).toContain('5 keys turned invalid');
  });
});

describe('default-password', () => {
  it('fires at start (the first tick runs at once) and resolves once the password is changed', async () => {
    await setup({ env: { ADMIN_PASSWORD: 'admin' } });
    t.ctx.alerts.start();
    t.ctx.alerts.stop();
    expect(sent.states('default-password')).toEqual(['firing']);
    expect(sent.of('default-password')[0]).toMatchObject({ severity: 'critical', link: expect.stringMatching(/\/admin#settings$/) });
    const login = await signIn(t.app, 'admin', 'admin');
    const changed = await login.agent
      .put('/admin/api/password')
      .set('X-CSRF-Token', login.csrf)
      .send({ current: 'admin', next: 'a-much-better-password' });
    expect(changed.status).toBe(200);
    tickAt(1000);
    tickAt(60_999);
    expect(sent.states('default-password')).toEqual(['firing']);
    tickAt(61_000);
    expect(sent.states('default-password')).toEqual(['firing', 'resolved']);
  });
});

describe('the tick', () => {
  it('runs at start, then every ALERT_CHECK_SECONDS; a changed setting applies from the next wait (via the scheduled jobs)', async () => {
    await setup({ env: { ALERT_CHECK_SECONDS: '20' } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const ticks = vi.spyOn(t.ctx.alerts, 'tick');
      const jobs = startScheduledJobs({ ...t.ctx.serverDeps.jobs, checks: { refreshScheduled: () => Promise.resolve() } });
      expect(ticks).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(19_999);
      expect(ticks).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1);
      expect(ticks).toHaveBeenCalledTimes(2);
      t.ctx.settings.update({ alertCheckSeconds: 1 });
      vi.advanceTimersByTime(1000);
      expect(ticks).toHaveBeenCalledTimes(3);
      jobs.stop();
      vi.advanceTimersByTime(60_000);
      expect(ticks).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
