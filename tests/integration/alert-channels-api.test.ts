/**
 * Issue 14, delivery: the alert channels API (docs/admin-api.md, "Alert channels") — CRUD with its
 * validation, the test button, the delivery log — and the promise that no answer, stored row or log
 * line ever holds a channel URL's token or its signing secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { alertMessage } from '../helpers/alert-message.js';
import { signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const TOKEN = 'tok3n4f7a9c2e1b5d8e0f6a3c9b7d1e5f2';
const SECRET = 'SEC-signing-secret-0123456789';

let t: TestApp;
let admin: Admin;
let r: WebhookReceiver;
let logLines: string[];
afterEach(async () => {
  await t?.close();
  await r?.close();
});

async function setup() {
  logLines = [];
  t = await startTestApp({
    logger: createLogger('debug', { write: (line: string) => logLines.push(line) }),
    alertDelivery: { retryDelaysMs: [20, 20, 20, 20], timeoutMs: 1_000 },
  });
  admin = await signIn(t.app);
  r = await startWebhookReceiver();
}
const api = (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
  admin.agent[method](`/admin/api${path}`).set('X-CSRF-Token', admin.csrf).send(body);
const get = (path: string) => admin.agent.get(`/admin/api${path}`);
const channelCount = () => (t.ctx.db.prepare('SELECT COUNT(*) AS n FROM alert_channels').get() as { n: number }).n;
const hook = () => ({ name: 'ops', type: 'webhook', url: `${r.url}/hooks/${TOKEN}?sig=${TOKEN}`, secret: SECRET });

describe('alert channels: create, read, change, delete', () => {
  it('creates a channel (201) and shows it with the URL masked, hasSecret, never the secret', async () => {
    await setup();
    const res = await api('post', '/alerts/channels', { ...hook(), events: ['keys-low', 'runway-low'], minSeverity: 'critical' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'ops',
      type: 'webhook',
      url: `${r.url}/hooks/tok3…?sig=tok3…`,
      hasSecret: true,
      events: ['keys-low', 'runway-low'],
      minSeverity: 'critical',
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastDelivery: null,
    });
    const stored = t.ctx.db.prepare('SELECT url_enc, secret_enc FROM alert_channels').get() as { url_enc: Buffer; secret_enc: Buffer };
    expect(stored.url_enc.toString('latin1')).not.toContain(TOKEN);
    expect(stored.secret_enc.toString('latin1')).not.toContain(SECRET);
    const list = await get('/alerts/channels');
    expect(list.status).toBe(200);
    expect(list.body.channels).toEqual([res.body]);
  });

  it('defaults: every event, warning and above, enabled, no secret', async () => {
    await setup();
    const res = await api('post', '/alerts/channels', {
      name: 'bot',
      type: 'wecom',
      url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${TOKEN}`,
    });
    expect(res.body).toMatchObject({
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tok3…',
      events: null,
      minSeverity: 'warning',
      enabled: true,
      hasSecret: false,
    });
  });

  it.each([
    [{ name: 'x', type: 'webhook', url: 'ftp://example.com/hook' }, /^url: must be an http/],
    [{ name: 'x', type: 'webhook', url: 'https://user:pass@example.com/hook' }, /^url: .*no user name or password/],
    [{ name: 'x', type: 'webhook', url: 'not a url' }, /^url: /],
    [{ name: '', type: 'webhook', url: 'https://example.com/h' }, /^name: must be 1 to 64 characters/],
    [{ name: 'x'.repeat(65), type: 'webhook', url: 'https://example.com/h' }, /^name: must be 1 to 64 characters/],
    [{ name: 'x', type: 'slack', url: 'https://example.com/h' }, /^type: /],
    [{ name: 'x', type: 'webhook' }, /^url: /],
    [{ name: 'x', type: 'webhook', url: 'https://example.com/h', events: ['no-such-event'] }, /^events\.0: /],
    [{ name: 'x', type: 'webhook', url: 'https://example.com/h', minSeverity: 'fatal' }, /^minSeverity: /],
    [{ name: 'x', type: 'bark', url: 'https://api.day.app/abc', secret: 's3cret' }, /^secret: a bark channel takes no signing secret/],
    [{ name: 'x', type: 'webhook', url: 'https://example.com/h', colour: 'red' }, /colour/],
  ])('refuses %j with 400 invalid-channel naming the field, and stores nothing', async (body, message) => {
    await setup();
    const res = await api('post', '/alerts/channels', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-channel');
    expect(res.body.error.message).toMatch(message);
    expect(channelCount()).toBe(0);
  });

  it('changes what is given: a string secret sets, null clears, absent keeps; the type cannot change', async () => {
    await setup();
    const id = (await api('post', '/alerts/channels', hook())).body.id as number;
    const renamed = await api('patch', `/alerts/channels/${id}`, { name: 'renamed', enabled: false });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'renamed', enabled: false, hasSecret: true });
    expect((await api('patch', `/alerts/channels/${id}`, { secret: null })).body.hasSecret).toBe(false);
    expect((await api('patch', `/alerts/channels/${id}`, { secret: 'another-secret-value' })).body.hasSecret).toBe(true);
    const typeChange = await api('patch', `/alerts/channels/${id}`, { type: 'bark' });
    expect(typeChange.status).toBe(400);
    expect(typeChange.body.error.code).toBe('invalid-channel');
    const empty = await api('patch', `/alerts/channels/${id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid-channel');
    const row = t.ctx.db.prepare('SELECT name, enabled, type FROM alert_channels WHERE id = ?').get(id);
    expect(row).toEqual({ name: 'renamed', enabled: 0, type: 'webhook' });
  });

  it('a secret on a type that does not sign is refused on change too', async () => {
    await setup();
    const id = (await api('post', '/alerts/channels', { name: 'n', type: 'ntfy', url: 'https://ntfy.sh/my-topic' })).body.id as number;
    const res = await api('patch', `/alerts/channels/${id}`, { secret: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid-channel', message: expect.stringMatching(/^secret: a ntfy channel/) });
    expect(t.ctx.db.prepare('SELECT secret_enc FROM alert_channels').get()).toEqual({ secret_enc: null });
  });

  it('404 channel-not-found for an unknown id on change, delete and test', async () => {
    await setup();
    for (const [method, path, body] of [
      ['patch', '/alerts/channels/99', { name: 'x' }],
      ['delete', '/alerts/channels/99', undefined],
      ['post', '/alerts/channels/99/test', undefined],
    ] as const) {
      const res = await api(method, path, body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('channel-not-found');
    }
  });

  it('delete answers 204; its deliveries stay in the log under its name', async () => {
    await setup();
    const id = (await api('post', '/alerts/channels', hook())).body.id as number;
    expect((await api('post', `/alerts/channels/${id}/test`)).body.delivery.status).toBe('sent');
    const res = await api('delete', `/alerts/channels/${id}`);
    expect(res.status).toBe(204);
    expect(channelCount()).toBe(0);
    const log = await get('/alerts/deliveries');
    expect(log.body.deliveries).toEqual([expect.objectContaining({ channelId: null, channelName: 'ops', status: 'sent' })]);
  });

  it('changes need the CSRF token', async () => {
    await setup();
    const res = await admin.agent.post('/admin/api/alerts/channels').send(hook());
    expect(res.status).toBe(403);
    expect(channelCount()).toBe(0);
  });
});

describe('alert channels: the test button', () => {
  it('sends a bilingual test message now and answers after the attempt: sent', async () => {
    await setup();
    const id = (await api('post', '/alerts/channels', hook())).body.id as number;
    const res = await api('post', `/alerts/channels/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({
      channelId: id,
      channelName: 'ops',
      state: 'test',
      status: 'sent',
      attempts: 1,
      lastStatus: 200,
    });
    expect(r.received).toHaveLength(1);
    const body = JSON.parse(r.received[0]!.body);
    expect(body).toMatchObject({ version: 1, state: 'test', incidentId: expect.stringMatching(/^test-/) });
    expect(body.text.zh).toContain('测试消息');
    expect(body.text.en).toContain('This is a test');
    expect(body.link).toMatch(/^http:\/\/127\.0\.0\.1(:\d+)?\/admin$/);
    const list = await get('/alerts/channels');
    expect(list.body.channels[0].lastDelivery).toEqual({ status: 'sent', at: expect.any(String) });
  });

  it("links to PUBLIC_URL's admin page when it is set, as the alerts themselves do", async () => {
    await setup();
    const app = t.restart({ PUBLIC_URL: 'https://pool.example.com/' });
    const other = await signIn(app.app);
    const id = (await other.agent.post('/admin/api/alerts/channels').set('X-CSRF-Token', other.csrf).send(hook())).body.id as number;
    const res = await other.agent.post(`/admin/api/alerts/channels/${id}/test`).set('X-CSRF-Token', other.csrf);
    expect(res.body.delivery.status).toBe('sent');
    expect(JSON.parse(r.received.at(-1)!.body).link).toBe('https://pool.example.com/admin');
  });

  it('a failed first attempt is still 200, pending (a retry is queued) with the error', async () => {
    await setup();
    r.reply({ status: 500, body: 'broken' });
    const id = (await api('post', '/alerts/channels', hook())).body.id as number;
    const res = await api('post', `/alerts/channels/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: broken' });
  });

  it('a receiver that hangs: the answer comes after the send timeout, pending with the timeout as its error', async () => {
    await setup();
    r.reply('hang');
    const id = (await api('post', '/alerts/channels', hook())).body.id as number;
    const started = performance.now();
    const res = await api('post', `/alerts/channels/${id}/test`);
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 1 s' });
  });

  it('a test goes to the channel even when it is switched off or filters the event', async () => {
    await setup();
    const id = (await api('post', '/alerts/channels', { ...hook(), enabled: false, events: ['runway-low'], minSeverity: 'critical' })).body
      .id;
    const res = await api('post', `/alerts/channels/${id}/test`);
    expect(res.body.delivery).toMatchObject({ status: 'sent', event: 'runway-low', severity: 'critical' });
  });
});

describe('alert deliveries: the log', () => {
  it('newest first, by channel, limit and before; a bad limit is 400', async () => {
    await setup();
    const a = (await api('post', '/alerts/channels', { name: 'a', type: 'webhook', url: `${r.url}/a` })).body.id as number;
    const b = (await api('post', '/alerts/channels', { name: 'b', type: 'webhook', url: `${r.url}/b` })).body.id as number;
    for (let i = 0; i < 3; i++) t.ctx.alertDelivery.send(alertMessage({ incidentId: String(i) }));
    await r.waitFor(6);
    const all = (await get('/alerts/deliveries')).body.deliveries as { id: number; channelId: number; incidentId: string }[];
    expect(all.map((d) => d.id)).toEqual([...all.map((d) => d.id)].sort((x, y) => y - x));
    expect(all).toHaveLength(6);
    const onlyB = (await get(`/alerts/deliveries?channel=${b}`)).body.deliveries as typeof all;
    expect(onlyB.map((d) => [d.channelId, d.incidentId])).toEqual([
      [b, '2'],
      [b, '1'],
      [b, '0'],
    ]);
    const page = (await get(`/alerts/deliveries?channel=${a}&limit=1&before=${all[0]!.id}`)).body.deliveries as typeof all;
    expect(page).toHaveLength(1);
    expect(page[0]!.channelId).toBe(a);
    const bad = await get('/alerts/deliveries?limit=500');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
  });
});

describe('alert channels: secrets stay secret', () => {
  it("no answer, delivery error or log line holds the URL's token or the secret, even when the receiver echoes them", async () => {
    await setup();
    // The receiver answers with the whole URL it was called on, token and all.
    r.replyByDefault({ status: 500, body: `no hook at ${r.url}/hooks/${TOKEN}?sig=${TOKEN} (secret ${SECRET})` });
    const created = await api('post', '/alerts/channels', hook());
    const id = created.body.id as number;
    const answers = [
      created,
      await api('patch', `/alerts/channels/${id}`, { name: 'ops 2' }),
      await api('post', `/alerts/channels/${id}/test`),
      await get('/alerts/channels'),
      await get('/alerts/deliveries'),
    ];
    expect(answers[2]!.body.delivery.lastError).toMatch(
      /^HTTP 500: no hook at http:\/\/127\.0\.0\.1:\d+\/hooks\/tok3…\?sig=tok3… \(secret …\)$/,
    );
    t.ctx.alertDelivery.send(alertMessage());
    await new Promise((done) => setTimeout(done, 300));
    answers.push(await get('/alerts/deliveries'));
    const errors = t.ctx.db.prepare('SELECT last_error, message FROM alert_deliveries').all();
    for (const text of [...answers.map((a) => JSON.stringify(a.body)), JSON.stringify(errors), ...logLines]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
    }
    expect(logLines.some((l) => l.includes('alert delivery attempt failed'))).toBe(true);
  });
});
