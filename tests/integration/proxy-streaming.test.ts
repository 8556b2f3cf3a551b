import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { useHandMadeUpstreams } from '../helpers/hand-made-upstream.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
const startUpstream = useHandMadeUpstreams();
afterEach(() => p?.close());

/** Reads a streamed body, noting when each chunk arrived. */
async function readTimed(res: Response) {
  const reader = res.body!.getReader();
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push({ at: Date.now(), text: decoder.decode(value, { stream: true }) });
  }
}

describe('streaming', () => {
  it('SSE arrives chunk by chunk: the first chunk long before the last, usage logged from the last chunk', async () => {
    p = await startProxy([[fakeKey(1), {}]]);
    const res = await p.call('/v1/chat/completions', {
      json: chat('deepseek-ai/DeepSeek-R1', { stream: true, fake_chunks: 10, fake_chunk_delay_ms: 60 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const chunks = await readTimed(res);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-1)!.at - chunks[0]!.at).toBeGreaterThan(400);
    const text = chunks.map((c) => c.text).join('');
    const deltas = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)).choices[0]?.delta ?? {});
    const firstReasoning = deltas.findIndex((d) => d.reasoning_content);
    const firstContent = deltas.findIndex((d) => d.content);
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstReasoning).toBeLessThan(firstContent);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    p.ctx.flush();
    const [log] = p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items;
    expect(log).toMatchObject({
      stream: true,
      status: 200,
      attempts: 1,
      keyId: p.ids[0],
      model: 'deepseek-ai/DeepSeek-R1',
      errorClass: null,
    });
    expect(log!.totalTokens).toBeGreaterThan(0);
    expect(log!.completionTokens).toBeGreaterThan(0);
    expect(log!.firstByteMs).toBeLessThan(log!.totalMs);
  });

  it('an upstream that breaks mid-stream ends the client stream with an error event, and is logged', async () => {
    p = await startProxy([
      [fakeKey(1), { failMidStream: true }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: chat('Qwen/Qwen2.5-7B-Instruct', { stream: true, fake_chunks: 10 }) });
    expect(res.status).toBe(200);
    const text = (await readTimed(res)).map((c) => c.text).join('');
    const events = text.trim().split('\n\n');
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(events.at(-1)!.slice(5))).toMatchObject({ error: { code: 50300 } });
    expect(p.fake.requests).toHaveLength(1); // never restarted after the first byte
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]).toMatchObject({ status: 200, errorClass: 'upstream-broke' });
  });

  it('binary audio comes through byte-identical, and a multipart upload reaches upstream byte-identical', async () => {
    p = await startProxy([[fakeKey(1), {}]]);
    const direct = await fetch(`${p.fake.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fakeKey(1)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'FunAudioLLM/CosyVoice2-0.5B', input: 'hi', voice: 'alex' }),
    });
    const expected = Buffer.from(await direct.arrayBuffer());
    const viaProxy = await p.call('/v1/audio/speech', { json: { model: 'FunAudioLLM/CosyVoice2-0.5B', input: 'hi', voice: 'alex' } });
    expect(viaProxy.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await viaProxy.arrayBuffer()).equals(expected)).toBe(true);

    const audio = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const form = new FormData();
    form.append('model', 'FunAudioLLM/SenseVoiceSmall');
    form.append('file', new Blob([audio], { type: 'audio/wav' }), 'clip.wav');
    const request = new Request(`${p.base}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${p.accessKey}` },
    });
    const sent = Buffer.from(await request.clone().arrayBuffer());
    const res = await fetch(request);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: unknown }).text).toEqual(expect.any(String));
    const received = p.fake.requests.at(-1)!;
    expect(received.body.equals(sent)).toBe(true);
    expect(received.headers['content-type']).toBe(request.headers.get('content-type'));
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]!.model).toBe('FunAudioLLM/SenseVoiceSmall');
  });
});

describe('timeouts after the first byte', () => {
  it('an upstream that goes quiet for IDLE_TIMEOUT_MS mid-stream ends the SSE stream with an error event', async () => {
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"a"}}]}\n\n');
      // …and then nothing more.
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url, env: { IDLE_TIMEOUT_MS: '300' } });
    const started = Date.now();
    const res = await p.call('/v1/chat/completions', { json: chat('x', { stream: true }) });
    const text = (await readTimed(res)).map((c) => c.text).join('');
    expect(Date.now() - started).toBeLessThan(2000);
    const events = text.trim().split('\n\n');
    expect(events[0]).toContain('"content":"a"');
    expect(JSON.parse(events.at(-1)!.slice(5))).toMatchObject({ error: { code: 50300 } });
  });
});

describe('client disconnects abort the upstream request', () => {
  it('mid-stream', async () => {
    let upstreamClosedAt = 0;
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"choices":[]}\n\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosedAt = Date.now();
      });
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url });
    const controller = new AbortController();
    const res = await p.call('/v1/chat/completions', { json: chat('x', { stream: true }), signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const abortedAt = Date.now();
    controller.abort();
    await waitFor(() => upstreamClosedAt > 0);
    expect(upstreamClosedAt - abortedAt).toBeLessThan(500);
    p.ctx.flush();
    await waitFor(() => p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).total > 0 || (p.ctx.flush(), false));
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]).toMatchObject({ errorClass: 'client-aborted' });
  });

  it('while waiting for the upstream headers, without trying another key', async () => {
    let closed = 0;
    let calls = 0;
    const url = await startUpstream((req) => {
      calls++;
      req.socket.on('close', () => closed++);
    });
    p = await startProxy(
      [
        [fakeKey(1), {}],
        [fakeKey(2), {}],
      ],
      { upstreamUrl: url },
    );
    const controller = new AbortController();
    const pending = p.call('/v1/chat/completions', { json: chat(), signal: controller.signal }).catch(() => 'aborted');
    await waitFor(() => calls === 1);
    controller.abort();
    expect(await pending).toBe('aborted');
    await waitFor(() => closed === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(1);
  });
});

describe('secrets', () => {
  it('no pool key appears in any response or log line, whatever happened', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
    const poolKeys = [fakeKey(1), fakeKey(2), fakeKey(3), fakeKey(4), fakeKey(5)];
    p = await startProxy(
      [
        [poolKeys[0]!, { behavior: 'invalid' }],
        [poolKeys[1]!, { behavior: 'server-error' }],
        [poolKeys[2]!, { behavior: 'gift-only' }],
        [poolKeys[3]!, { failMidStream: true }],
        [poolKeys[4]!, {}],
      ],
      { logger, env: { ERROR_AFTER_FAILURES: '1' } },
    );
    const bodies: string[] = [];
    for (const body of [chat(), chat('Pro/deepseek-ai/DeepSeek-R1'), chat('x', { stream: true }), chat('no/such-model')]) {
      const res = await p.call('/v1/chat/completions', { json: body });
      bodies.push(JSON.stringify([...res.headers]) + (await res.text()));
    }
    bodies.push(await (await p.call('/v1/models')).text());
    await p.ctx.checks.checkOne(p.ids[0]!);
    p.ctx.flush();
    const cookie = await p.adminCookie();
    for (const path of ['/admin/api/keys', '/admin/api/logs', '/admin/api/stats']) {
      bodies.push(await (await fetch(p.base + path, { headers: { cookie } })).text());
    }
    const everything = bodies.join('\n') + lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    for (const key of poolKeys) expect(everything).not.toContain(key.slice(3, 23));
  });
});

describe('the official openai package', () => {
  it('completes a chat through the proxy, plain and streaming', async () => {
    p = await startProxy([[fakeKey(1), {}]]);
    const client = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: p.accessKey, maxRetries: 0 });
    const plain = await client.chat.completions.create({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(plain.choices[0]!.message.content).toContain('ping');
    expect(plain.usage!.total_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      messages: [{ role: 'user', content: 'ping' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('ping');
  });

  it('shows the 50301 message as the error message', async () => {
    p = await startProxy([]);
    const client = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: p.accessKey, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'x', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as Error).message).toMatch(/没有可用的 API 密钥/);
  });
});

describe('logs, stats and metrics', () => {
  it('one log row per request, the admin log API, 24-hour stats and Prometheus metrics', async () => {
    p = await startProxy([
      [fakeKey(1), { behavior: 'invalid' }],
      [fakeKey(2), {}],
    ]);
    await p.call('/v1/chat/completions', { json: chat() });
    await p.call('/v1/chat/completions', { json: chat('no/such-model') });
    await fetch(`${p.base}/v1/models`); // unauthorized
    p.ctx.flush();
    const cookie = await p.adminCookie();
    const logs = (await (await fetch(`${p.base}/admin/api/logs?pageSize=10`, { headers: { cookie } })).json()) as any;
    expect(logs.total).toBe(3);
    expect(logs.items.map((l: { status: number }) => l.status)).toEqual([401, 400, 200]);
    expect(logs.items[2]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', stream: false, keyId: p.ids[1], attempts: 2 });
    expect(logs.items[2].model).toBe('deepseek-ai/DeepSeek-V3');
    expect(logs.items[2].totalTokens).toBeGreaterThan(0);
    const filtered = (await (
      await fetch(`${p.base}/admin/api/logs?status=error&model=no/such-model`, { headers: { cookie } })
    ).json()) as any;
    expect(filtered.total).toBe(1);

    const stats = (await (await fetch(`${p.base}/admin/api/stats`, { headers: { cookie } })).json()) as any;
    expect(stats.requests.last24h).toMatchObject({ requests: 3, succeeded: 1 });
    const series = (await (await fetch(`${p.base}/admin/api/stats/series?hours=24`, { headers: { cookie } })).json()) as any;
    expect(series.buckets).toHaveLength(25);
    expect(series.buckets.at(-1)).toMatchObject({ requests: 3, errors: 2 });
    expect(series.buckets.slice(0, -1).every((b: { requests: number }) => b.requests === 0)).toBe(true);
    expect((await fetch(`${p.base}/admin/api/stats/series?hours=0`, { headers: { cookie } })).status).toBe(400);

    expect((await fetch(`${p.base}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${p.base}/metrics`, { headers: { authorization: `Bearer ${p.accessKey}` } })).text();
    expect(metrics).toMatch(/sfm_requests_total\{status="200",client="default"\} 1/);
    expect(metrics).toMatch(/sfm_upstream_attempts_total\{outcome="invalid"\} 1/);
    expect(metrics).toMatch(/sfm_keys\{status="invalid"\} 1/);
    expect(metrics).toMatch(/sfm_upstream_latency_seconds_count \d+/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
