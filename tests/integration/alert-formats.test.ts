/**
 * Issue 14, delivery: each channel format arrives at a local receiver with its own body, and its
 * signature (webhook HMAC, DingTalk's sign, Feishu's sign) verifies when computed here on its own.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertMessage } from '../helpers/alert-message.js';
import { useAlertApp } from '../helpers/alert-harness.js';

const SECRET = 'SEC-signing-secret-0123456789';
const h = useAlertApp();
const hmacHex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const hmacB64 = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64');

describe('alert formats: each channel type gets its own body', () => {
  it('webhook: {version: 1, ...message}, event and delivery headers, an HMAC signature that verifies', async () => {
    await h.setup();
    const r = await h.receiver();
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/hooks/alerts`, secret: SECRET });
    h.send();
    const [got] = await r.waitFor(1);
    expect(got!.method).toBe('POST');
    expect(got!.url).toBe('/hooks/alerts');
    expect(got!.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(got!.body)).toEqual({ version: 1, ...alertMessage() });
    const [id] = (await h.settled()).map((d) => d.id);
    expect(got!.headers['x-sfm-event']).toBe('keys-low');
    expect(got!.headers['x-sfm-delivery']).toBe(String(id));
    const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got!.headers['x-sfm-signature']))!;
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
    expect(v1).toBe(hmacHex(SECRET, `${ts}.${got!.body}`));
    expect(h.rows()).toEqual([expect.objectContaining({ status: 'sent', attempts: 1, last_status: 200, last_error: null })]);
  });

  it('webhook without a secret: no signature header', async () => {
    await h.setup();
    const r = await h.receiver();
    await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    const [got] = await r.waitFor(1);
    expect(got!.headers['x-sfm-signature']).toBeUndefined();
    expect(got!.headers['x-sfm-event']).toBe('keys-low');
  });

  it('wecom: markdown content, Chinese first and English under it', async () => {
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await h.channel({ name: 'wecom', type: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab` });
    h.send();
    const [got] = await r.waitFor(1);
    expect(got!.url).toBe('/cgi-bin/webhook/send?key=0f3c5a1e-7b2d-4c8e-9a6f-1234567890ab');
    const body = JSON.parse(got!.body);
    expect(body.msgtype).toBe('markdown');
    const content = body.markdown.content as string;
    expect(content.indexOf('可用密钥不足')).toBeGreaterThanOrEqual(0);
    expect(content.indexOf('可用密钥不足')).toBeLessThan(content.indexOf('Few usable keys'));
    expect(content).toContain('(http://127.0.0.1:3000/admin)');
    expect((await h.settled())[0]!.status).toBe('sent');
  });

  it('dingtalk: markdown {title, text}; with a secret the URL gains timestamp and a sign that verifies', async () => {
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await h.channel({ name: 'ding', type: 'dingtalk', url: `${r.url}/robot/send?access_token=abcdef0123456789abcdef`, secret: SECRET });
    h.send({ severity: 'critical' });
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
    await h.setup();
    const r = await h.receiver();
    r.replyByDefault({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
    await h.channel({
      name: 'lark',
      type: 'feishu',
      url: `${r.url}/open-apis/bot/v2/hook/5f1e8a3c-2b4d-4e6f-8a9b-0c1d2e3f4a5b`,
      secret: SECRET,
    });
    h.send();
    const [got] = await r.waitFor(1);
    const body = JSON.parse(got!.body);
    expect(body.msg_type).toBe('text');
    expect(body.timestamp).toMatch(/^\d{10}$/);
    expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64'));
    const text = body.content.text as string;
    expect(text.indexOf('可用密钥 2 个')).toBeLessThan(text.indexOf('2 usable keys'));
    expect((await h.settled())[0]!.status).toBe('sent');
  });

  it('bark: JSON {title, body, group, level, url} to the device URL', async () => {
    await h.setup();
    const r = await h.receiver();
    await h.channel({ name: 'phone', type: 'bark', url: `${r.url}/AbCdEfGhIjKlMnOpQrStUv` });
    h.send({ severity: 'critical' });
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
    await h.setup();
    const r = await h.receiver();
    await h.channel({ name: 'ntfy', type: 'ntfy', url: `${r.url}/sfm-alerts-7q2`, minSeverity: 'info' });
    h.send({ severity: 'info', state: 'resolved' });
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
    await h.setup();
    const r = await h.receiver();
    const id = await h.channel({ name: 'hook', type: 'webhook', url: `${r.url}/h` });
    h.send();
    h.send({ incidentId: '18', state: 'resolved' });
    await h.settled(2);
    expect(await h.app.ctx.metrics.render()).toContain(`sfm_alerts_sent_total{event="keys-low",channel="${id}"} 2`);
  });
});
