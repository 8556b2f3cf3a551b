import { afterEach, describe, expect, it } from 'vitest';
import { startDemoInbox, type DemoInbox } from '../../scripts/demo-inbox.js';

/**
 * The demo's alert inbox (issue 14): what a webhook channel pointed at it sends is recorded, printed
 * as one line, and listed newest first; any bot format reads its answer as success.
 */
let inbox: DemoInbox;
afterEach(() => inbox?.close());

const post = (path: string, body: string, type = 'application/json') =>
  fetch(inbox.url + path, { method: 'POST', headers: { 'content-type': type }, body, signal: AbortSignal.timeout(5_000) });

const webhookBody = (state: string, event: string, zh: string) =>
  JSON.stringify({ version: 1, state, event, title: { zh, en: `${event} in English` }, text: { zh: '…', en: '…' } });

describe('the demo alert inbox', () => {
  it('records each message, prints one line for it, and lists them newest first as JSON and escaped HTML', async () => {
    const lines: string[] = [];
    inbox = await startDemoInbox({ print: (line) => lines.push(line) });
    expect(inbox.hookUrl).toBe(`${inbox.url}/hook`);
    const first = await post('/hook', webhookBody('firing', 'runway-low', '赠送余额约 3 小时后用完'));
    expect(first.status).toBe(200);
    // WeCom and DingTalk read errcode, Feishu code: 0 is success for each.
    expect(await first.json()).toMatchObject({ errcode: 0, code: 0 });
    expect(
      (await post('/hook/wecom', JSON.stringify({ msgtype: 'markdown', markdown: { content: '<b>2 keys</b>\nline two' } }))).status,
    ).toBe(200);
    expect((await post('/hook', 'plain words', 'text/plain')).status).toBe(200);
    expect((await post('/hook', webhookBody('test', 'keys-low', '测试消息'))).status).toBe(200);
    expect(lines).toEqual([
      '[demo inbox] firing runway-low: 赠送余额约 3 小时后用完 / runway-low in English',
      '[demo inbox] {"msgtype":"markdown","markdown":{"content":"<b>2 keys</b>\\nline two"}}',
      '[demo inbox] plain words',
      '[demo inbox] test: 测试消息 / keys-low in English',
    ]);

    const listed = (await (await fetch(`${inbox.url}/`, { headers: { accept: 'application/json' } })).json()) as {
      messages: { n: number; path: string; body: unknown }[];
    };
    expect(listed.messages.map((m) => [m.n, m.path])).toEqual([
      [4, '/hook'],
      [3, '/hook'],
      [2, '/hook/wecom'],
      [1, '/hook'],
    ]);
    expect(listed.messages[3]!.body).toMatchObject({ event: 'runway-low', state: 'firing' });
    const html = await (await fetch(`${inbox.url}/`)).text();
    expect(html).toContain('&lt;b&gt;2 keys&lt;/b&gt;');
    expect(html).not.toContain('<b>2 keys');
  });

  it('answers 404 outside POST /hook… and GET /, and records nothing for it', async () => {
    inbox = await startDemoInbox({ print: () => {} });
    expect((await post('/hooks', '{}')).status).toBe(404);
    expect((await fetch(`${inbox.url}/hook`)).status).toBe(404);
    expect(inbox.messages()).toEqual([]);
  });
});
