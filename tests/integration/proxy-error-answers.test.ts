import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import { useHandMadeUpstreams } from '../helpers/hand-made-upstream.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
const startUpstream = useHandMadeUpstreams();
afterEach(() => p?.close());

const keys = (...states: Partial<FakeKeyState>[]) => states.map((s, i) => [fakeKey(i), s] as [string, Partial<FakeKeyState>]);

const answer = (res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
};

describe('no pool key ever goes back to a client', () => {
  // Bug: a passed-through 4xx went back byte for byte and every upstream header was copied, so an
  // upstream (or a gateway in front of it) that echoed the Authorization it got handed the pool key out.
  const OTHER = 'sk-someoneelseskeysomeoneelseskey0123';
  it('an echoed key is redacted from error bodies (JSON, string, text, gzip) and headers carrying it are dropped', async () => {
    const url = await startUpstream((req, res) => {
      const key = req.headers.authorization!.slice('Bearer '.length);
      const echo = { 'x-echo': `Bearer ${key}`, 'x-trace': 'kept' };
      const message = `Key ${key} may not call this (nor ${OTHER})`;
      if (req.url === '/v1/json')
        return answer(res, 400, 'application/json', JSON.stringify({ code: 20015, message, data: { key } }), echo);
      if (req.url === '/v1/string') return answer(res, 400, 'application/json', JSON.stringify(message), echo);
      if (req.url === '/v1/text') return answer(res, 403, 'text/plain', message, echo);
      if (req.url === '/v1/gzip')
        return answer(res, 400, 'application/json', gzipSync(JSON.stringify({ code: 20015, message })), {
          ...echo,
          'content-encoding': 'gzip',
        });
      answer(res, 200, 'application/json', '{"ok":true}', echo);
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url });
    const poolKey = fakeKey(1);
    for (const path of ['/v1/json', '/v1/string', '/v1/text', '/v1/gzip', '/v1/ok']) {
      const res = await p.call(path);
      const text = await res.text();
      const everything = JSON.stringify([...res.headers]) + text;
      expect(everything, path).not.toContain(poolKey.slice(3, 23));
      expect(everything, path).not.toMatch(/sk-[A-Za-z0-9]{8,}/);
      expect(res.headers.get('x-echo'), path).toBeNull();
      expect(res.headers.get('x-trace'), path).toBe('kept');
      if (path !== '/v1/ok')
        expect(text, path).toContain(`Key ${poolKey.slice(0, 7)}…[redacted] may not call this (nor sk-some…[redacted])`);
    }
  });
});

describe('every error a client receives has an OpenAI error object', () => {
  // Bug: SiliconFlow's own 4xx bodies are {code, message, data}; OpenAI SDKs read `error.message`, found
  // none and showed "400 status code (no body)"; a plain-text 404 reached JSON clients as text.
  it('a SiliconFlow 4xx keeps its fields and gains error {message, type, code}; model-not-found names the model', async () => {
    p = await startProxy(keys({}));
    const res = await p.call('/v1/chat/completions', { json: chat('no/such-model') });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ code: 20012, message: 'Model does not exist. Please check it carefully.', data: null });
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 20012 });
    expect(body.error.message).toContain('Model does not exist');
    expect(body.error.message).toContain('"no/such-model"');
    expect(body.error.message).toContain('GET /v1/models');
  });

  it('the official openai package raises with the real message', async () => {
    p = await startProxy(keys({}));
    const client = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: p.accessKey, maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: 'no/such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/^400 Model does not exist.*"no\/such-model".*GET \/v1\/models/);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe(20012);
  });

  it('the upstream plain-text 404 becomes JSON with an error object naming the path', async () => {
    p = await startProxy(keys({}));
    const res = await p.call('/v1/does/not/exist?x=1');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, any>;
    expect(body.error).toMatchObject({ type: 'not_found_error', code: null });
    expect(body.error.message).toContain('404 page not found');
    expect(body.error.message).toContain('GET /v1/does/not/exist');
    expect(body.message).toBe(body.error.message);
  });

  it('bare-string, plain-text and empty bodies become JSON; a body that already has an error object is left as is', async () => {
    const openaiShaped = JSON.stringify({ error: { message: 'already fine', type: 'invalid_request_error', code: 'x' } });
    const url = await startUpstream((req, res) => {
      if (req.url === '/v1/string') return answer(res, 400, 'application/json', JSON.stringify('Bad thing'));
      if (req.url === '/v1/text') return answer(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
      if (req.url === '/v1/empty') return answer(res, 422, 'text/plain', '');
      answer(res, 400, 'application/json', openaiShaped);
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url });
    const cases = [
      ['/v1/string', 400, 'invalid_request_error', 'Bad thing'],
      ['/v1/text', 403, 'permission_error', 'Forbidden'],
      ['/v1/empty', 422, 'invalid_request_error', 'HTTP 422'],
    ] as const;
    for (const [path, status, type, message] of cases) {
      const res = await p.call(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      const body = (await res.json()) as Record<string, any>;
      expect(body.error, path).toMatchObject({ type, code: null, message: expect.stringContaining(message) });
    }
    expect(await (await p.call('/v1/shaped')).text()).toBe(openaiShaped);
  });
});

describe('a stream that breaks on /v1/messages ends with an Anthropic error event', () => {
  // Bug: the OpenAI-style `data: {"error":…}` frame means nothing to Anthropic clients: the Anthropic SDK
  // skipped it and returned the cut-off answer as if it were complete.
  it('the last frame is event: error with {"type":"error","error":{"type":"api_error",…}}', async () => {
    p = await startProxy(keys({ failMidStream: true }));
    const res = await p.call('/v1/messages', {
      json: { model: 'deepseek-ai/DeepSeek-V3', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hello there' }] },
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(res.status).toBe(200);
    const events = (await res.text()).trim().split('\n\n');
    expect(events[0]).toMatch(/^event: message_start\n/);
    const last = events.at(-1)!.split('\n');
    expect(last[0]).toBe('event: error');
    const data = JSON.parse(last[1]!.slice('data:'.length));
    expect(data).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('broke off') } });
  });

  it('an upstream that broke off inside an event still gets the error event as an event of its own', async () => {
    const url = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // A first event whole (a stream that breaks inside its first one fails over: stream-failover.test.ts).
      res.write('event: ping\ndata: {"type":"ping"}\n\n');
      setTimeout(() => res.write('event: content_block_delta\ndata: {"type":"content_blo', () => res.destroy()), 20);
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url });
    const res = await p.call('/v1/messages', {
      json: { model: 'x', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    const text = await res.text();
    expect(text).toMatch(
      /^event: ping\ndata: \{"type":"ping"\}\n\nevent: content_block_delta\ndata: \{"type":"content_blo\n\nevent: error\ndata: \{"type":"error".*\}\n\n$/s,
    );
  });

  it('an OpenAI-style stream keeps its data: {"error":…} frame', async () => {
    p = await startProxy(keys({ failMidStream: true }));
    const res = await p.call('/v1/chat/completions', { json: chat('Qwen/Qwen2.5-7B-Instruct', { stream: true, fake_chunks: 10 }) });
    const last = (await res.text()).trim().split('\n\n').at(-1)!;
    expect(last.startsWith('data: ')).toBe(true);
    expect(JSON.parse(last.slice(6))).toMatchObject({ error: { code: 50300, type: 'upstream_error' } });
  });
});

describe('"no usable key" is not retried pointlessly', () => {
  // Bug: the 503 (50301) gave no hint, so SDKs and LangChain retried it with back-off for about 100 s
  // although no key could come back in that time.
  it('503 with code 50301 carries x-should-retry: false', async () => {
    p = await startProxy([]);
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(await res.json()).toMatchObject({ code: 50301 });
  });

  it('the openai package does not retry it', async () => {
    p = await startProxy([]);
    const client = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: p.accessKey, maxRetries: 2 });
    const err = await client.models.list().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 10 }).total).toBe(1);
  });

  it('the 429 for "every usable key is cooling" keeps its Retry-After and no x-should-retry: false', async () => {
    p = await startProxy(keys({ behavior: 'rate-limited' }), { env: { COOLDOWN_SECONDS: '30' } });
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-should-retry')).toBeNull();
  });
});

describe('a disabled key never counts as cooling', () => {
  // Bug: a key cooling when the admin disabled (or deleted) it stayed in the cooling set, so with every
  // other key dead the proxy said "every usable key is rate-limited, retry in N s" for a key that would
  // never serve again, instead of 503 / 50301.
  const setUp = async () => {
    p = await startProxy(keys({ behavior: 'rate-limited' }, { behavior: 'invalid' }, { behavior: 'exhausted' }), {
      env: { COOLDOWN_SECONDS: '30' },
    });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(429);
    // Since issue 13 the key's account cools for the model; the key keeps its status.
    expect(p.row(p.ids[0]!).status).toBe('active');
    expect(p.ctx.coolingView.coolingKeys()).toBe(1);
  };
  const expect50301 = async () => {
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ code: 50301 });
    expect(p.ctx.coolingView.coolingKeys()).toBe(0);
  };

  it('disabling it: 503 / 50301 at once; enabled again while still cooling: 429 again', async () => {
    await setUp();
    p.ctx.keys.update(p.ids[0]!, { enabled: false });
    await expect50301();
    p.ctx.keys.update(p.ids[0]!, { enabled: true });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(429);
  });

  it('deleting it: 503 / 50301 at once', async () => {
    await setUp();
    p.ctx.keys.delete(p.ids[0]!);
    await expect50301();
  });

  it('disabled while its 429 was on the way: it does not enter the cooling set', async () => {
    const url = await startUpstream((_req, res) => {
      p.ctx.keys.update(p.ids[0]!, { enabled: false }); // the admin disables it while the call is in flight
      answer(
        res,
        429,
        'application/json',
        JSON.stringify({ code: 50602, message: 'Request was rejected due to rate limiting. Details: TPM limit reached.' }),
      );
    });
    p = await startProxy([[fakeKey(1), {}]], { upstreamUrl: url, env: { COOLDOWN_SECONDS: '30' } });
    await expect50301();
  });
});
