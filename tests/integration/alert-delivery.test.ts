/**
 * Issue 14, delivery: what the AlertSink does with a message the engine hands it, over real HTTP to
 * a local receiver. Each format arrives with its body and a signature the test checks on its own;
 * failures retry with back-off (short here, through the queue's options); redirects are not
 * followed; a hanging receiver slows neither /v1 nor the admin; a restart resumes the queue.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert-types.js';
import { alertMessage } from '../helpers/alert-message.js';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const FAST = { retryDelaysMs: [30, 30, 30, 30], timeoutMs: 400 };
const SECRET = 'SEC-signing-secret-0123456789';

let t: TestApp;
let admin: Admin;
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await t?.close();
  for (const r of receivers.splice(0)) await r.close();
});

async function setup(options: { keys?: string[]; alertDelivery?: object } = {}) {
  t = await startTestApp({
    keys: Object.fromEntries((options.keys ?? []).map((k) => [k, {}])),
    alertDelivery: { ...FAST, ...options.alertDelivery },
  });
  admin = await signIn(t.app);
}
async function receiver() {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}
const post = (path: string, body?: object) => admin.agent.post(`/admin/api${path}`).set('X-CSRF-Token', admin.csrf).send(body);
async function channel(body: Record<string, unknown>): Promise<number> {
  const res = await post('/alerts/channels', body);
  expect(res.status).toBe(201);
  return res.body.id as number;
}
const rows = () =>
  t.ctx.db.prepare('SELECT id, channel_id, status, attempts, last_status, last_error FROM alert_deliveries ORDER BY id').all() as {
    id: number;
    channel_id: number | null;
    status: string;
    attempts: number;
    last_status: number | null;
    last_error: string | null;
  }[];
/** Polls the table until the delivery leaves `pending` (with a deadline, so a regression fails fast). */
async function settled(count = 1, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = rows();
    if (all.length >= count && all.every((r) => r.status !== 'pending')) return all;
    if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the condition did not come true in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const send = (m: Partial<AlertMessage> = {}) => t.ctx.alertDelivery.send(alertMessage(m));
const hmacHex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const hmacB64 = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64');

describe('alert formats: each channel type gets its own body', () => {
  it('webhook: {version: 1, ...message}, event and delivery headers, an HMAC signature that verifies', async () => {
    await setup();
    const r = await receiver();
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/hooks/alerts`, secret: SECRET });
    send();
    const [got] = await r.waitFor(1);
    expect(got!.method).toBe('POST');
    expect(got!.url).toBe('/hooks/alerts');
    expect(got!.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(got!.body)).toEqual({ version: 1, ...alertMessage() });
    const [id] = (await settled()).map((d) => d.id);
    expect(got!.headers['x-sfm-event']).toBe('keys-low');
    expect(got!.headers['x-sfm-delivery']).toBe(String(id));
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got!.headers['x-sfm-signature']))!;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    expect(v1).toBe(hmacHex(SECRET, `${ts}.${got!.body}`));
    expect(rows()).toEqual([expect.objectContaining({ status: 'sent', attempts: 1, last_status: 200, last_error: null })]);
  });

  it('webhook without a secret: no signature header', async () => {
    await setup();
    const r = await receiver();
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    const [got] = await r.waitFor(1);
    expect(got!.headers['x-sfm-signature']).toBeUndefined();
    expect(got!.headers['x-sfm-event']).toBe('keys-low');
  });

  it('wecom: markdown content, Chinese first and English under it', async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await channel({ name: 'wecom', type: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab` });
    send();
    const [got] = await r.waitFor(1);
    expect(got!.url).toBe('/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab');
    const body = JSON.parse(got!.body);
    expect(body.msgtype).toBe('markdown');
    const content = body.markdown.content as string;
    expect(content.indexOf('可用密钥不足')).toBeGreaterThanOrEqual(0);
    expect(content.indexOf('可用密钥不足')).toBeLessThan(content.indexOf('Few usable keys'));
    expect(content).toContain('(http://127.0.0.1:3000/admin)');
    expect((await settled())[0]!.status).toBe('sent');
  });

  it('dingtalk: markdown {title, text}; with a secret the URL gains timestamp and a sign that verifies', async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await channel({ name: 'ding', type: 'dingtalk', url: `${r.url}/robot/send?access_token=abcdef0123456789abcdef`, secret: SECRET });
    send({ severity: 'critical' });
    const [got] = await r.waitFor(1);
    const url = new URL(got!.url, r.url);
    expect(url.pathname).toBe('/robot/send');
    expect(url.searchParams.get('access_token')).toBe('abcdef0123456789abcdef');
    const ms = url.searchParams.get('timestamp')!;
    expect(Math.abs(Number(ms) - Date.now())).toBeLessThan(5_000);
    expect(url.searchParams.get('sign')).toBe(hmacB64(SECRET, `${ms}\n${SECRET}`));
    // The sign is URL-encoded in the query: base64's + / = never arrive raw.
    expect(got!.url.split('sign=')[1]).not.toMatch(/[+/=]/);
    const body = JSON.parse(got!.body);
    expect(body).toEqual({ msgtype: 'markdown', markdown: { title: '可用密钥不足', text: expect.stringContaining('Few usable keys') } });
    expect(body.markdown.text).toMatch(/^\*\*\[告警·严重\] 可用密钥不足\*\*/);
  });

  it('feishu: a text message; with a secret the body has timestamp (seconds, a string) and a sign that verifies', async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
    await channel({
      name: 'lark',
      type: 'feishu',
      url: `${r.url}/open-apis/bot/v2/hook/5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b`,
      secret: SECRET,
    });
    send();
    const [got] = await r.waitFor(1);
    const body = JSON.parse(got!.body);
    expect(body.msg_type).toBe('text');
    expect(body.timestamp).toMatch(/^\d{10}$/);
    expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64'));
    const text = body.content.text as string;
    expect(text.indexOf('可用密钥 2 个')).toBeLessThan(text.indexOf('2 usable keys'));
    expect((await settled())[0]!.status).toBe('sent');
  });

  it('bark: JSON {title, body, group, level, url} to the device URL', async () => {
    await setup();
    const r = await receiver();
    await channel({ name: 'phone', type: 'bark', url: `${r.url}/AbCdEfGhIjKlMnOpQrStUv` });
    send({ severity: 'critical' });
    const [got] = await r.waitFor(1);
    expect(got!.url).toBe('/AbCdEfGhIjKlMnOpQrStUv');
    expect(JSON.parse(got!.body)).toEqual({
      title: '[告警·严重] 可用密钥不足',
      body: '可用密钥 2 个（共 10 个启用）\n\n[FIRING · critical] Few usable keys\n2 usable keys (of 10 enabled)',
      group: 'siliconflow',
      level: 'timeSensitive',
      url: 'http://127.0.0.1:3000/admin',
    });
  });

  it('ntfy: text/plain to the topic, the Chinese title RFC 2047-encoded, priority by severity, tags, click', async () => {
    await setup();
    const r = await receiver();
    await channel({ name: 'ntfy', type: 'ntfy', url: `${r.url}/sfm-alerts-7q2`, minSeverity: 'info' });
    send({ severity: 'info', state: 'resolved' });
    const [got] = await r.waitFor(1);
    expect(got!.url).toBe('/sfm-alerts-7q2');
    expect(got!.headers['content-type']).toMatch(/^text\/plain/);
    const [, b64] = /^=\?UTF-8\?B\?(.+)\?=$/.exec(String(got!.headers.title))!;
    expect(Buffer.from(b64!, 'base64').toString('utf8')).toBe('[已恢复·提示] 可用密钥不足');
    expect(got!.headers.priority).toBe('3');
    expect(got!.headers.tags).toBe('white_check_mark,keys-low');
    expect(got!.headers.click).toBe('http://127.0.0.1:3000/admin');
    expect(got!.body).toBe('可用密钥 2 个（共 10 个启用）\n\n[RESOLVED · info] Few usable keys\n2 usable keys (of 10 enabled)');
  });

  it('counts each delivered message in sfm_alerts_sent_total{event,channel}', async () => {
    await setup();
    const r = await receiver();
    const id = await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    send({ incidentId: '18', state: 'resolved' });
    await settled(2);
    expect(await t.ctx.metrics.render()).toContain(`sfm_alerts_sent_total{event="keys-low",channel="${id}"} 2`);
  });
});

describe('alert delivery: which channels take a message', () => {
  it('one row per enabled channel whose events and minimum severity match; the others get nothing', async () => {
    await setup();
    const r = await receiver();
    const all = await channel({ name: 'all', type: 'webhook', url: `${r.url}/all`, minSeverity: 'info' });
    const runway = await channel({ name: 'runway', type: 'webhook', url: `${r.url}/runway`, events: ['runway-low'] });
    await channel({ name: 'critical only', type: 'webhook', url: `${r.url}/critical`, minSeverity: 'critical' });
    await channel({ name: 'off', type: 'webhook', url: `${r.url}/off`, enabled: false });
    send({ event: 'runway-low', severity: 'warning' });
    const done = await settled(2);
    expect(done.map((d) => d.channel_id).sort()).toEqual([all, runway].sort());
    expect(r.received.map((g) => g.url).sort()).toEqual(['/all', '/runway']);
  });

  it('send() returns at once, before any attempt', async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault('hang');
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    const started = performance.now();
    send();
    expect(performance.now() - started).toBeLessThan(50);
    expect(rows()).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
  });
});

describe('alert delivery: failures, retries and redirects', () => {
  it('a 500 is retried after the back-off; the next 200 sends it (two attempts)', async () => {
    await setup();
    const r = await receiver();
    r.reply({ status: 500, body: 'upstream broke' });
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    expect(await settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, last_status: 200 })]);
    expect(r.received).toHaveLength(2);
  });

  it('five failed attempts and the delivery has failed, saying so', async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault({ status: 503, body: 'down' });
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    const [d] = await settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: 503 });
    expect(d!.last_error).toMatch(/^HTTP 503: down \(gave up after 5 attempts\)$/);
    expect(r.received).toHaveLength(5);
  });

  it('a 4xx other than 408/429 fails at once; a 429 is retried', async () => {
    await setup();
    const r = await receiver();
    r.reply({ status: 429 }, { status: 404, body: 'no such hook' });
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    expect(await settled()).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 2, last_status: 404, last_error: 'HTTP 404: no such hook' }),
    ]);
  });

  it("a bot's 200 with errcode != 0 is a failure with the bot's message", async () => {
    await setup();
    const r = await receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
    await channel({ name: 'wecom', type: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab` });
    send();
    const [d] = await settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: 200 });
    expect(d!.last_error).toContain('errcode 93000 (invalid webhook url)');
  });

  it('a Feishu 200 with code != 0 is a failed attempt: retried, then sent', async () => {
    await setup();
    const r = await receiver();
    r.reply({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' });
    await channel({ name: 'lark', type: 'feishu', url: `${r.url}/open-apis/bot/v2/hook/5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b` });
    send();
    expect(await settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
    const res = await admin.agent.get('/admin/api/alerts/deliveries');
    expect(res.body.deliveries[0].lastError).toBeNull();
  });

  it('a 302 is not followed: the target receives nothing, and the delivery fails saying why', async () => {
    await setup();
    const target = await receiver();
    const r = await receiver();
    r.replyByDefault({ redirect: `${target.url}/elsewhere` });
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    const [d] = await settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 1, last_status: 302 });
    expect(d!.last_error).toMatch(/redirect/);
    expect(target.received).toHaveLength(0);
    expect(r.received).toHaveLength(1);
  });

  it('a refused connection is retried, then fails', async () => {
    await setup();
    const r = await receiver();
    const url = `${r.url}/h`;
    await r.close();
    receivers.splice(0);
    await channel({ name: 'gone', type: 'webhook', url });
    send();
    const [d] = await settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: null });
    expect(d!.last_error).toMatch(/ECONNREFUSED/);
  });
});

describe('alert delivery: a hanging receiver', () => {
  it('never slows /v1, and times out into a retry that then succeeds', async () => {
    const key = fakeKey(1);
    await setup({ keys: [key], alertDelivery: { timeoutMs: 1_500, retryDelaysMs: [400] } });
    t.ctx.keys.import(key);
    const base = await t.listen();
    const r = await receiver();
    r.reply('hang', 'hang', 'hang', 'hang');
    for (let i = 0; i < 4; i++) await channel({ name: `hook ${i}`, type: 'webhook', url: `${r.url}/h${i}` });
    send();
    await r.waitFor(4);
    // Every delivery slot is taken by a hanging receiver: /v1 must not notice.
    const started = performance.now();
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(rows().every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
    await until(() => rows().every((d) => d.attempts === 1));
    const log = await admin.agent.get('/admin/api/alerts/deliveries');
    expect(log.body.deliveries).toHaveLength(4);
    for (const d of log.body.deliveries) expect(d).toMatchObject({ status: 'pending', attempts: 1, lastError: 'no answer within 1.5 s' });
    const done = await settled(4, 6_000);
    expect(done.every((d) => d.status === 'sent' && d.attempts === 2 && d.last_error === null)).toBe(true);
  });
});

describe('alert delivery: a restart', () => {
  it('resumes a delivery that was under way when the server stopped', async () => {
    await setup({ alertDelivery: { timeoutMs: 5_000 } });
    const r = await receiver();
    r.reply('hang');
    await channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    send();
    await r.waitFor(1);
    // What close() does to the queue when the server stops: the attempt under way is cut short.
    await t.ctx.alertDelivery.stop();
    const [stopped] = rows();
    expect(stopped).toMatchObject({ status: 'pending', attempts: 0 });
    t = t.restart();
    await r.waitFor(2);
    // The cut attempt is not counted: the one after the restart is the first that finished.
    expect(await settled()).toEqual([expect.objectContaining({ id: stopped!.id, status: 'sent', attempts: 1 })]);
    expect(JSON.parse(r.received[1]!.body)).toEqual({ version: 1, ...alertMessage() });
  });
});
