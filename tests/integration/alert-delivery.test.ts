/**
 * Issue 14, delivery: what the AlertSink does with a message the engine hands it, over real HTTP to
 * local receivers: which channels take it; failures retry with back-off (short here, through the
 * queue's options); redirects are not followed; a hanging receiver never slows /v1; a restart
 * resumes the queue.
 */
import { describe, expect, it } from 'vitest';
import { alertMessage } from '../helpers/alert-message.js';
import { until, useAlertApp } from '../helpers/alert-harness.js';
import { fakeKey } from '../helpers/test-app.js';

const h = useAlertApp();

describe('alert delivery: which channels take a message', () => {
  it('one row per enabled channel whose events and minimum severity match; the others get nothing', async () => {
    await h.setup();
    const r = await h.receiver();
    const all = await h.channel({ name: 'all', type: 'webhook', url: `${r.url}/all`, minSeverity: 'info' });
    const runway = await h.channel({ name: 'runway', type: 'webhook', url: `${r.url}/runway`, events: ['runway-low'] });
    await h.channel({ name: 'critical only', type: 'webhook', url: `${r.url}/critical`, minSeverity: 'critical' });
    await h.channel({ name: 'off', type: 'webhook', url: `${r.url}/off`, enabled: false });
    h.send({ event: 'runway-low', severity: 'warning' });
    const done = await h.settled(2);
    expect(done.map((d) => d.channel_id).sort()).toEqual([all, runway].sort());
    expect(r.received.map((g) => g.url).sort()).toEqual(['/all', '/runway']);
  });

  it('h.send() returns at once, before any attempt', async () => {
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault('hang');
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    const started = performance.now();
    h.send();
    expect(performance.now() - started).toBeLessThan(50);
    expect(h.rows()).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
  });
});

describe('alert delivery: failures, retries and redirects', () => {
  it('a 500 is retried after the back-off; the next 200 sends it (two attempts)', async () => {
    await h.setup();
    const r = await h.receiver();
    r.reply({ status: 500, body: 'upstream broke' });
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    expect(await h.settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, last_status: 200 })]);
    expect(r.received).toHaveLength(2);
  });

  it('five failed attempts and the delivery has failed, saying so', async () => {
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault({ status: 503, body: 'down' });
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    const [d] = await h.settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: 503 });
    expect(d!.last_error).toMatch(/^HTTP 503: down \(gave up after 5 attempts\)$/);
    expect(r.received).toHaveLength(5);
  });

  it('a 4xx other than 408/429 fails at once; a 429 is retried', async () => {
    await h.setup();
    const r = await h.receiver();
    r.reply({ status: 429 }, { status: 404, body: 'no such hook' });
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    expect(await h.settled()).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 2, last_status: 404, last_error: 'HTTP 404: no such hook' }),
    ]);
  });

  it("a bot's 200 with errcode != 0 is a failure with the bot's message", async () => {
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
    await h.channel({ name: 'wecom', type: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab` });
    h.send();
    const [d] = await h.settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: 200 });
    expect(d!.last_error).toContain('errcode 93000 (invalid webhook url)');
  });

  it('a Feishu 200 with code != 0 is a failed attempt: retried, then sent', async () => {
    await h.setup();
    const r = await h.receiver();
    r.reply({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' });
    await h.channel({ name: 'lark', type: 'feishu', url: `${r.url}/open-apis/bot/v2/hook/5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b` });
    h.send();
    expect(await h.settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
    const res = await h.admin.agent.get('/admin/api/alerts/deliveries');
    expect(res.body.deliveries[0].lastError).toBeNull();
  });

  it('a 302 is not followed: the target receives nothing, and the delivery fails saying why', async () => {
    await h.setup();
    const target = await h.receiver();
    const r = await h.receiver();
    r.replyByDefault({ redirect: `${target.url}/elsewhere` });
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    const [d] = await h.settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 1, last_status: 302 });
    expect(d!.last_error).toMatch(/redirect/);
    expect(target.received).toHaveLength(0);
    expect(r.received).toHaveLength(1);
  });

  it('an answer whose body never ends is read up to 64 KiB, not until the timeout', async () => {
    await h.setup({ alertDelivery: { timeoutMs: 3_000 } });
    const r = await h.receiver();
    r.reply('endless');
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    const started = performance.now();
    h.send();
    expect(await h.settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 1, last_status: 200 })]);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('an answer whose body stalls after the head times out into a retry', async () => {
    await h.setup({ alertDelivery: { timeoutMs: 300 } });
    const r = await h.receiver();
    r.reply('stall');
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    await until(() => h.rows()[0]?.attempts === 1);
    expect(h.rows()[0]).toMatchObject({ last_status: null, last_error: 'no answer within 0.3 s' });
    expect(await h.settled()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
  });

  it('a refused connection is retried, then fails', async () => {
    await h.setup();
    const r = await h.receiver();
    const url = `${r.url}/h`;
    await r.close();
    await h.channel({ name: 'gone', type: 'webhook', url });
    h.send();
    const [d] = await h.settled();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, last_status: null });
    expect(d!.last_error).toMatch(/ECONNREFUSED/);
  });
});

describe('alert delivery: a hanging receiver', () => {
  it('never slows /v1, and times out into a retry that then succeeds', async () => {
    const key = fakeKey(1);
    await h.setup({ keys: [key], alertDelivery: { timeoutMs: 1_500, retryDelaysMs: [400] } });
    h.app.ctx.keys.import(key);
    const base = await h.app.listen();
    const r = await h.receiver();
    r.reply('hang', 'hang', 'hang', 'hang');
    for (let i = 0; i < 4; i++) await h.channel({ name: `hook ${i}`, type: 'webhook', url: `${r.url}/h${i}` });
    h.send();
    await r.waitFor(4);
    // Every delivery slot is taken by a hanging receiver: /v1 must not notice.
    const started = performance.now();
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.app.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(h.rows().every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
    await until(() => h.rows().every((d) => d.attempts === 1));
    const log = await h.admin.agent.get('/admin/api/alerts/deliveries');
    expect(log.body.deliveries).toHaveLength(4);
    for (const d of log.body.deliveries) expect(d).toMatchObject({ status: 'pending', attempts: 1, lastError: 'no answer within 1.5 s' });
    const done = await h.settled(4, 6_000);
    expect(done.every((d) => d.status === 'sent' && d.attempts === 2 && d.last_error === null)).toBe(true);
  });
});

describe('alert delivery: a restart', () => {
  it('resumes a delivery that was under way when the server stopped', async () => {
    await h.setup({ alertDelivery: { timeoutMs: 5_000 } });
    const r = await h.receiver();
    r.reply('hang');
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    await r.waitFor(1);
    // What close() does to the queue when the server stops: the attempt under way is cut short.
    await h.app.ctx.alertDelivery.stop();
    const [stopped] = h.rows();
    expect(stopped).toMatchObject({ status: 'pending', attempts: 0 });
    h.app = h.app.restart();
    await r.waitFor(2);
    // The cut attempt is not counted: the one after the restart is the first that finished.
    expect(await h.settled()).toEqual([expect.objectContaining({ id: stopped!.id, status: 'sent', attempts: 1 })]);
    expect(JSON.parse(r.received[1]!.body)).toEqual({ version: 1, ...alertMessage() });
  });
});
