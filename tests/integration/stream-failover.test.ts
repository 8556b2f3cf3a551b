/**
 * Streams that fail over invisibly (issue 13). SiliconFlow may answer 200 with `text/event-stream` and
 * then send an error event, or close, before any content: the proxy used to forward that 200 at
 * once, so the client got a broken stream and the key was counted as a success. Now the headers wait
 * for the first event (FIRST_EVENT_HOLD_MS) and such an attempt fails over like the matching non-stream
 * answer; an error event after content still counts as a failure; a silent stream gets `: keep-alive`
 * comments (HEARTBEAT_MS). Everything over real sockets, against the fake's stream options.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { useHandMadeUpstreams } from '../helpers/hand-made-upstream.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
const startUpstream = useHandMadeUpstreams();
afterEach(() => p?.close());

const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
const streamed = (extra: Record<string, unknown> = {}) => chat('deepseek-ai/DeepSeek-V3', { stream: true, ...extra });

/** The last request log row, once the proxy wrote it. */
async function lastLog() {
  for (let i = 0; i < 100; i++) {
    p.ctx.flush();
    const [row] = p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items;
    if (row) return row;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no log row in time');
}

/** A streamed body as it arrived: each chunk's text and when (ms after `since`). */
async function arrivals(res: Response, since: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const chunks: { at: number; text: string }[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push({ at: Date.now() - since, text: decoder.decode(r.value, { stream: true }) });
  }
  return chunks;
}

/** The events of an SSE body (blank-line separated), comments included. */
const eventsOf = (text: string) => text.split('\n\n').filter((e) => e !== '');

async function metrics(): Promise<string> {
  return (await fetch(`${p.base}/metrics`, { headers: { authorization: `Bearer ${p.accessKey}` } })).text();
}

describe('a 200 stream that fails before any content fails over to another key, unseen by the client', () => {
  it('an error event first (50507): one clean 200 stream from the second key; the first is troubled, not blamed', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'error-first', streamErrorCode: 50507 }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).not.toContain('error');
    expect(text).not.toContain('50507');
    const events = eventsOf(text);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(p.fake.requests.map((r) => r.key)).toEqual([fakeKey(1), fakeKey(2)]);
    expect(await lastLog()).toMatchObject({ status: 200, attempts: 2, keyId: p.ids[1], errorClass: null, stream: true });
    expect((await lastLog()).totalTokens).toBeGreaterThan(0);
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 1 });
    expect(p.row(p.ids[0]!).last_error).toContain('code 50507');
    expect(p.row(p.ids[1]!)).toMatchObject({ status: 'active', failure_count: 0, usage_count: 1 });
    const m = await metrics();
    expect(m).toMatch(/sfm_upstream_attempts_total\{outcome="upstream-error"\} 1/);
    expect(m).toMatch(/sfm_upstream_attempts_total\{outcome="ok"\} 1/);
  });

  it('an error event first with 30001, in the upstream’s own body shape: the key is exhausted, as for a 402', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'error-first', streamErrorCode: 30001, streamErrorShape: 'siliconflow' }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('30001');
    expect(await lastLog()).toMatchObject({ status: 200, attempts: 2, keyId: p.ids[1], errorClass: null });
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'exhausted' });
    expect(p.row(p.ids[0]!).last_error).toContain('code 30001');
  });

  it('Anthropic’s event: error first on /v1/messages fails over the same way', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'error-first', streamErrorCode: 50507 }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/messages', { json: { ...streamed(), max_tokens: 32 } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('event: error');
    expect(text).toContain('event: message_stop');
    expect(await lastLog()).toMatchObject({ status: 200, attempts: 2, keyId: p.ids[1], errorClass: null });
  });

  it('a close before any event: upstream trouble, another key', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'close-first' }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    expect(eventsOf(await res.text()).at(-1)).toBe('data: [DONE]');
    expect(await lastLog()).toMatchObject({ status: 200, attempts: 2, keyId: p.ids[1], errorClass: null });
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 1 });
    expect(p.row(p.ids[0]!).last_error).toMatch(/empty-stream/);
  });

  it('a break inside the first event: upstream trouble too, another key, and the half event never reaches the client', async () => {
    let calls = 0;
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (++calls === 1) return void res.write('data: {"choices":[{"delta":{"content":"ha', () => res.destroy());
      res.end('data: {"choices":[{"delta":{"content":"whole"}}]}\n\ndata: [DONE]\n\n');
    });
    p = await startProxy(
      [
        [fakeKey(1), {}],
        [fakeKey(2), {}],
      ],
      { upstreamUrl: url },
    );
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('data: {"choices":[{"delta":{"content":"whole"}}]}\n\ndata: [DONE]\n\n');
    expect(calls).toBe(2);
    expect(await lastLog()).toMatchObject({ status: 200, attempts: 2, keyId: p.ids[1], errorClass: null });
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 1 });
  });

  it('every key closing before any event: 502 from the proxy after MAX_ATTEMPTS, logged as empty-stream', async () => {
    p = await startProxy(
      [
        [fakeKey(1), { streamFault: 'close-first' }],
        [fakeKey(2), { streamFault: 'close-first' }],
      ],
      { env: { MAX_ATTEMPTS: '2' } },
    );
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 50300 });
    expect(await lastLog()).toMatchObject({ status: 502, attempts: 2, errorClass: 'empty-stream' });
  });

  it('the caller’s own mistake as the first event (20015) is not failed over: it reaches the client, and the key is not touched', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'error-first', streamErrorCode: 20015 }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    expect(JSON.parse((await res.text()).slice(6))).toMatchObject({ error: { code: 20015 } });
    expect(p.fake.requests).toHaveLength(1);
    expect(await lastLog()).toMatchObject({ status: 400, attempts: 1, keyId: p.ids[0], errorClass: 'stream-error' });
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 0 });
  });
});

describe('an error event after content', () => {
  it('goes to the client as it came, and the attempt is a failure: log status and class, key troubled, metrics', async () => {
    p = await startProxy([
      [fakeKey(1), { streamFault: 'error-after-content', streamErrorCode: 50507 }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.status).toBe(200);
    const events = eventsOf(await res.text());
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[0]!.slice(6)).object).toBe('chat.completion.chunk');
    expect(JSON.parse(events[2]!.slice(6))).toEqual({
      error: { code: 50507, message: 'Request failed: Unknown error.', type: 'upstream_error' },
    });
    expect(p.fake.requests).toHaveLength(1); // never restarted after content
    const log = await lastLog();
    expect(log).toMatchObject({ status: 500, attempts: 1, keyId: p.ids[0], errorClass: 'stream-error' });
    expect(log.totalTokens).toBeGreaterThan(0); // what the chunks reported is still billed
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'active', failure_count: 1 });
    expect(p.row(p.ids[0]!).last_error).toContain('code 50507');
    const m = await metrics();
    expect(m).toMatch(/sfm_upstream_attempts_total\{outcome="upstream-error"\} 1/);
    expect(m).not.toMatch(/sfm_upstream_attempts_total\{outcome="ok"\}/);
    expect(m).toMatch(/sfm_requests_total\{status="500",client="default"\} 1/);
    expect(m).not.toMatch(/sfm_requests_total\{status="200"/);
  });

  it('with 30001 the key is exhausted, and the log row says 402', async () => {
    p = await startProxy([[fakeKey(1), { streamFault: 'error-after-content', streamErrorCode: 30001 }]]);
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(await res.text()).toContain('"code":30001');
    expect(await lastLog()).toMatchObject({ status: 402, errorClass: 'stream-error' });
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'exhausted' });
  });

  it('a key in `error` is not brought back by a stream that failed (no success is recorded first)', async () => {
    p = await startProxy([[fakeKey(1), { streamFault: 'error-after-content' }]], { env: { ERROR_AFTER_FAILURES: '2' } });
    for (let i = 0; i < 2; i++) await (await p.call('/v1/chat/completions', { json: streamed() })).text();
    await lastLog();
    expect(p.row(p.ids[0]!)).toMatchObject({ status: 'error', failure_count: 2 });
  });
});

describe('heartbeat on a slow stream', () => {
  it('each HEARTBEAT_MS of silence gets a `: keep-alive` comment between events, and no data chunk is added', async () => {
    p = await startProxy([[fakeKey(1), { streamGapMs: 300 }]], { env: { HEARTBEAT_MS: '50' } });
    const direct = await fetch(`${p.fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fakeKey(1)}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat(QWEN, { stream: true, fake_chunks: 2 })),
    });
    const expectedData = eventsOf(await direct.text()).length;
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: chat(QWEN, { stream: true, fake_chunks: 2 }) });
    const chunks = await arrivals(res, started);
    const events = eventsOf(chunks.map((c) => c.text).join(''));
    // Only whole events and whole comments: a comment never lands inside an event.
    expect(events.every((e) => e === ': keep-alive' || e.startsWith('data: '))).toBe(true);
    expect(events.filter((e) => e.startsWith('data: '))).toHaveLength(expectedData);
    // Between two events 300 ms apart, a comment after each 50 ms of silence (the sweep adds up to 10 ms).
    const gaps = splitAtData(events);
    for (const between of gaps.slice(1, -1)) expect(between).toBeGreaterThanOrEqual(3);
    for (const between of gaps.slice(1, -1)) expect(between).toBeLessThanOrEqual(6);
    const beats = chunks.filter((c) => c.text.includes(': keep-alive')).map((c) => c.at);
    const spacing = beats.slice(1).map((at, i) => at - beats[i]!);
    expect(spacing.filter((ms) => ms < 40)).toEqual([]);
  });

  it('never inside an event the upstream was writing: the bytes without the comments are the upstream’s, exactly', async () => {
    const parts = ['data: {"a":1}\n\n', 'data: {"b":', '2}\n', '\ndata: [DONE]\n\n'];
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const next = (i: number) => {
        if (i === parts.length) return res.end();
        res.write(parts[i]);
        setTimeout(() => next(i + 1), 200);
      };
      next(0);
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url, env: { HEARTBEAT_MS: '50' } });
    const text = await (await p.call('/v1/chat/completions', { json: streamed() })).text();
    expect(text.replaceAll(': keep-alive\n\n', '')).toBe(parts.join(''));
    expect(text).toContain('data: {"b":2}\n\n');
    expect(text.match(/: keep-alive/g)!.length).toBeGreaterThanOrEqual(4); // after the first event and the last
  });

  it('an SSE body compressed despite Accept-Encoding: identity is passed untouched: no hold, no comment inside the gzip', async () => {
    const plain = 'data: {"choices":[{"delta":{"content":"zipped"}}]}\n\ndata: [DONE]\n\n';
    const zipped = gzipSync(plain);
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.write(zipped.subarray(0, 10));
      setTimeout(() => res.end(zipped.subarray(10)), 300);
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url, env: { HEARTBEAT_MS: '50' } });
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toBe(plain);
  });

  it('HEARTBEAT_MS=0 sends none', async () => {
    p = await startProxy([[fakeKey(1), { streamGapMs: 200 }]], { env: { HEARTBEAT_MS: '0' } });
    const res = await p.call('/v1/chat/completions', { json: chat(QWEN, { stream: true, fake_chunks: 1 }) });
    const text = await res.text();
    expect(text).not.toContain('keep-alive');
    expect(eventsOf(text).at(-1)).toBe('data: [DONE]');
  });
});

describe('the hold’s limits', () => {
  it('past FIRST_EVENT_HOLD_MS the headers go out, and an error event after that reaches the client and fails the attempt', async () => {
    p = await startProxy(
      [
        [fakeKey(1), { streamFault: 'error-first', streamGapMs: 500 }],
        [fakeKey(2), {}],
      ],
      { env: { FIRST_EVENT_HOLD_MS: '100', HEARTBEAT_MS: '0' } },
    );
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    const headersAt = Date.now() - started;
    expect(res.status).toBe(200);
    expect(headersAt).toBeGreaterThanOrEqual(90);
    expect(headersAt).toBeLessThan(400);
    const chunks = await arrivals(res, started);
    expect(chunks[0]!.at).toBeGreaterThanOrEqual(450);
    expect(chunks.map((c) => c.text).join('')).toContain('"code":50507');
    expect(p.fake.requests).toHaveLength(1);
    expect(await lastLog()).toMatchObject({ status: 500, attempts: 1, errorClass: 'stream-error' });
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 1 });
  });

  it('FIRST_EVENT_HOLD_MS=0 holds nothing: the headers come at once, and an error event first reaches the client', async () => {
    p = await startProxy(
      [
        [fakeKey(1), { streamFault: 'error-first', streamGapMs: 400 }],
        [fakeKey(2), {}],
      ],
      { env: { FIRST_EVENT_HOLD_MS: '0', HEARTBEAT_MS: '0' } },
    );
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: streamed() });
    const headersAt = Date.now() - started;
    const chunks = await arrivals(res, started);
    expect(chunks[0]!.at - headersAt).toBeGreaterThanOrEqual(250); // the headers did not wait for the 400 ms silence
    expect(chunks.map((c) => c.text).join('')).toContain('"code":50507');
    expect(p.fake.requests).toHaveLength(1);
    expect(await lastLog()).toMatchObject({ status: 500, errorClass: 'stream-error' });
  });

  it('a client that leaves during the hold stops the upstream call at once, and no other key is tried', async () => {
    let closedAt = 0;
    let calls = 0;
    const url = await startUpstream((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.on('close', () => (closedAt = Date.now()));
    });
    p = await startProxy(
      [
        [fakeKey(1), {}],
        [fakeKey(2), {}],
      ],
      { upstreamUrl: url },
    );
    const controller = new AbortController();
    const pending = p.call('/v1/chat/completions', { json: streamed(), signal: controller.signal }).catch(() => 'aborted');
    while (calls === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const abortedAt = Date.now();
    controller.abort();
    expect(await pending).toBe('aborted');
    expect(await lastLog()).toMatchObject({ status: 499, errorClass: 'client-aborted', attempts: 1 });
    for (let i = 0; i < 100 && closedAt === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - abortedAt).toBeLessThan(500);
    expect(calls).toBe(1);
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 0 });
  });

  it('the shutdown deadline during the hold answers 503 (the headers were never sent), and blames no key', async () => {
    let calls = 0;
    const url = await startUpstream((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url });
    const pending = p.call('/v1/chat/completions', { json: streamed() });
    while (calls === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    p.ctx.proxy.stopAll();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 50300 });
    expect(await lastLog()).toMatchObject({ status: 503, errorClass: 'shutdown' });
    expect(p.row(p.ids[0]!)).toMatchObject({ failure_count: 0, last_error: null });
  });

  it('a good first event after a silence is sent with its headers, byte for byte as the fake wrote it', async () => {
    p = await startProxy([[fakeKey(1), { streamGapMs: 150 }]], { env: { HEARTBEAT_MS: '0' } });
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: chat(QWEN, { stream: true, fake_chunks: 1 }) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // held until the first event
    const text = await res.text();
    expect(eventsOf(text).every((e) => e.startsWith('data: '))).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await lastLog()).toMatchObject({ status: 200, errorClass: null });
    expect(p.row(p.ids[0]!)).toMatchObject({ usage_count: 1, failure_count: 0 });
  });
});

/** How many comments came between each two data events (and before the first, after the last). */
function splitAtData(events: string[]): number[] {
  const counts = [0];
  for (const e of events) {
    if (e.startsWith('data: ')) counts.push(0);
    else counts[counts.length - 1]!++;
  }
  return counts;
}
