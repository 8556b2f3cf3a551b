import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoEntries, demoKeys } from './support/fake-siliconflow/demo-keys.js';
import { maskKey, startFakeSiliconFlow, type FakeKeyState, type FakeSiliconFlow } from './support/fake-siliconflow/index.js';

let fake: FakeSiliconFlow;
let keyCounter = 0;

beforeAll(async () => {
  fake = await startFakeSiliconFlow();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.setUserInfoMode('ok');
});

/** A fresh key in the shared fake, so tests never see each other's state. */
function newKey(state: Partial<FakeKeyState> = {}): string {
  const key = `sk-test${String(++keyCounter).padStart(4, '0')}${'x'.repeat(40)}`;
  fake.setKey(key, state);
  return key;
}

interface CallOptions {
  key?: string | null;
  method?: string;
  json?: unknown;
  body?: string | Buffer | FormData;
  headers?: Record<string, string>;
  on?: FakeSiliconFlow;
}

/** Every call gives up after 5 s, so a regression fails fast instead of hanging the file. */
function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  return fetch(`${(opts.on ?? fake).url}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(5_000),
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);
}

/** Reads an SSE body frame by frame; stops at the end or at a failure, which it reports. */
async function readFrames(res: Response): Promise<{ frames: string[]; error?: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const frames: string[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { frames };
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        frames.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (error) {
    return { frames, error };
  }
}

function dataOf(frame: string): string {
  expect(frame.startsWith('data: ')).toBe(true);
  return frame.slice('data: '.length);
}

const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello fake world' },
  ],
  ...extra,
});

const upstreamError = (code: number, message: string) => ({ code, message, data: null });
const INVALID = upstreamError(30014, 'Token is invalid.');
const BALANCE = upstreamError(30001, 'Sorry, your account balance is insufficient');

describe('key behaviors on user/info and models', () => {
  const refusals: Array<[FakeKeyState['behavior'], number, unknown]> = [
    ['invalid', 401, INVALID],
    ['invalid-string', 401, 'Invalid token'],
    ['rate-limited', 429, upstreamError(50602, 'Request was rejected due to rate limiting. Details: TPM limit reached.')],
    ['overloaded', 503, upstreamError(50505, 'Model service overloaded. Please try again later.')],
    ['busy', 503, upstreamError(50508, 'System is too busy now. Please try again later.')],
    ['server-error', 500, upstreamError(50507, 'Request failed: Unknown error.')],
    ['ip-blocked', 503, upstreamError(50603, 'System is too busy now. Please try again later.')],
  ];

  for (const path of ['/v1/user/info', '/v1/models']) {
    it.each(refusals)(`a %s key gets HTTP %i with the upstream body from ${path}`, async (behavior, status, body) => {
      const res = await call(path, { key: newKey({ behavior }) });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual(body);
    });

    it.each(['exhausted', 'gift-only', 'ok'] as const)(`a %s key is a valid account for ${path}`, async (behavior) => {
      const res = await call(path, { key: newKey({ behavior }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-siliconcloud-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    });

    it(`a reset key makes fetch of ${path} reject`, async () => {
      await expect(call(path, { key: newKey({ behavior: 'reset' }) })).rejects.toThrow();
    });
  }

  it('unknown keys, a missing and a malformed Authorization header all act as invalid', async () => {
    for (const opts of [{ key: 'sk-unknown' }, {}, { headers: { authorization: 'Basic abc' } }]) {
      const res = await call('/v1/models', opts);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(INVALID);
    }
  });

  it('user/info answers the legacy shape with string balances and their sum', async () => {
    const res = await call('/v1/user/info', { key: newKey({ balance: '0.88', chargeBalance: '88.00' }) });
    const body = (await res.json()) as { code: number; status: boolean; data: Record<string, unknown> };
    expect(body).toMatchObject({ code: 20000, message: 'OK', status: true });
    expect(Object.keys(body.data)).toEqual([
      'id',
      'name',
      'image',
      'email',
      'isAdmin',
      'balance',
      'status',
      'introduction',
      'role',
      'chargeBalance',
      'totalBalance',
    ]);
    expect(body.data).toMatchObject({ balance: '0.88', chargeBalance: '88.00', totalBalance: '88.88', status: 'normal' });
    expect(body.data.id).toMatch(/^userid-/);
  });

  it('an exhausted key shows a zero or negative total balance', async () => {
    const zero = await (await call('/v1/user/info', { key: newKey({ behavior: 'exhausted' }) })).json();
    expect(zero).toMatchObject({ data: { balance: '0.00', chargeBalance: '0.00', totalBalance: '0.00' } });
    const negative = await (await call('/v1/user/info', { key: newKey({ behavior: 'exhausted', balance: '-0.01' }) })).json();
    expect(negative).toMatchObject({ data: { totalBalance: '-0.01' } });
  });

  it('a rate-limited key sends Retry-After only when retryAfterSeconds is set', async () => {
    const without = await call('/v1/models', { key: newKey({ behavior: 'rate-limited' }) });
    expect(without.headers.get('retry-after')).toBeNull();
    const withIt = await call('/v1/models', { key: newKey({ behavior: 'rate-limited', retryAfterSeconds: 7 }) });
    expect(withIt.status).toBe(429);
    expect(withIt.headers.get('retry-after')).toBe('7');
  });
});

describe('user/info modes', () => {
  it('gone answers 410 with code 20092 even for a valid key', async () => {
    fake.setUserInfoMode('gone');
    const res = await call('/v1/user/info', { key: newKey() });
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual(upstreamError(20092, 'endpoint is deprecated'));
  });

  it('not-found answers the plain-text 404 while models still work', async () => {
    fake.setUserInfoMode('not-found');
    const key = newKey();
    const res = await call('/v1/user/info', { key });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('404 page not found');
    expect((await call('/v1/models', { key })).status).toBe(200);
  });
});

describe('models', () => {
  it('lists the catalogue and filters by type and sub_type', async () => {
    const key = newKey();
    const all = (await (await call('/v1/models', { key })).json()) as { object: string; data: Array<{ id: string }> };
    expect(all.object).toBe('list');
    expect(all.data.map((m) => m.id)).toEqual(expect.arrayContaining(['Pro/deepseek-ai/DeepSeek-R1', 'BAAI/bge-m3']));
    expect(all.data[0]).toMatchObject({ object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
    const text = (await (await call('/v1/models?type=text&sub_type=chat', { key })).json()) as typeof all;
    expect(text.data.map((m) => m.id)).toContain('deepseek-ai/DeepSeek-V3');
    expect(text.data.map((m) => m.id)).not.toContain('BAAI/bge-m3');
  });
});

describe('chat/completions', () => {
  it('answers a chat.completion that echoes the last user message, with usage', async () => {
    const res = await call('/v1/chat/completions', { key: newKey(), json: chatBody('Qwen/Qwen2.5-7B-Instruct') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      object: string;
      choices: Array<{ message: Record<string, unknown> }>;
      usage: Record<string, number>;
    };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message).toEqual({ role: 'assistant', content: 'Echo: hello fake world' });
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens! + body.usage.completion_tokens!);
  });

  it('adds reasoning_content for reasoning models', async () => {
    const res = await call('/v1/chat/completions', { key: newKey(), json: chatBody('deepseek-ai/DeepSeek-R1') });
    const body = (await res.json()) as { choices: Array<{ message: { reasoning_content?: string } }> };
    expect(body.choices[0]?.message.reasoning_content).toEqual(expect.any(String));
  });

  it('streams reasoning chunks, then content chunks, each with running usage, then [DONE]', async () => {
    const key = newKey({ chargeBalance: '5.00' }); // a Pro/ model is paid from paid credit only
    const model = 'Pro/deepseek-ai/DeepSeek-R1';
    const plain = (await (await call('/v1/chat/completions', { key, json: chatBody(model) })).json()) as { usage: unknown };
    const res = await call('/v1/chat/completions', { key, json: chatBody(model, { stream: true }) });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { frames, error } = await readFrames(res);
    expect(error).toBeUndefined();
    expect(frames.at(-1)).toBe('data: [DONE]');
    type Chunk = {
      object: string;
      choices: Array<{ delta: { content?: string | null; reasoning_content?: string | null } }>;
      usage: { completion_tokens: number };
    };
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(dataOf(f)) as Chunk);
    const kinds = chunks.map((c) => (c.choices[0]?.delta.reasoning_content ? 'r' : c.choices[0]?.delta.content ? 'c' : '-'));
    expect(kinds.join('')).toMatch(/^r+c+-$/);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.usage !== undefined)).toBe(true);
    expect(chunks.map((c) => c.usage.completion_tokens)).toEqual([...chunks.keys()].map((i) => Math.min(i + 1, chunks.length - 1)));
    expect(chunks.at(-1)?.usage).toEqual(plain.usage);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: hello fake world');
  });

  it('streams exactly fake_chunks content chunks', async () => {
    const res = await call('/v1/chat/completions', {
      key: newKey(),
      json: chatBody('Qwen/Qwen2.5-7B-Instruct', { stream: true, fake_chunks: 300 }),
    });
    const { frames } = await readFrames(res);
    expect(frames).toHaveLength(300 + 2); // content chunks + finish chunk + [DONE]
  });

  it('a failMidStream key sends two chunks and then cuts the connection', async () => {
    const key = newKey({ failMidStream: true });
    const res = await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-V3', { stream: true }) });
    expect(res.status).toBe(200);
    const { frames, error } = await readFrames(res);
    expect(frames).toHaveLength(2);
    expect(error).toBeInstanceOf(Error);
  });

  describe('stream options (issue 13)', () => {
    const streamed = (key: string, path = '/v1/chat/completions') =>
      call(path, { key, json: chatBody('deepseek-ai/DeepSeek-V3', { stream: true, max_tokens: 64 }) });

    it('error-first answers 200 and sends only an error event, OpenAI-style or the upstream’s own body, and bills nothing', async () => {
      const key = newKey({ streamFault: 'error-first', streamErrorCode: 30001 });
      const res = await streamed(key);
      expect(res.status).toBe(200);
      const { frames } = await readFrames(res);
      expect(frames.map((f) => JSON.parse(dataOf(f)))).toEqual([
        { error: { code: 30001, message: 'Sorry, your account balance is insufficient', type: 'upstream_error' } },
      ]);
      expect(fake.balances(key)!.spent).toBe(0);
      fake.setKey(key, { streamErrorShape: 'siliconflow', streamErrorCode: 50507 });
      const own = await readFrames(await streamed(key));
      expect(own.frames.map((f) => JSON.parse(dataOf(f)))).toEqual([upstreamError(50507, 'Request failed: Unknown error.')]);
    });

    it('error-first on /v1/messages is Anthropic’s event: error, with the code added', async () => {
      const key = newKey({ streamFault: 'error-first', streamErrorCode: 50505 });
      const { frames } = await readFrames(await streamed(key, '/v1/messages'));
      expect(frames).toEqual([
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', code: 50505, message: 'Model service overloaded. Please try again later.' } })}`,
      ]);
    });

    it('close-first answers 200 and ends the body before any event', async () => {
      const res = await streamed(newKey({ streamFault: 'close-first' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(await res.text()).toBe('');
    });

    it('error-after-content sends two content chunks, then the error event (50507 by default), and bills the two', async () => {
      const key = newKey({ streamFault: 'error-after-content' });
      const { frames } = await readFrames(await streamed(key));
      expect(frames).toHaveLength(3);
      expect(JSON.parse(dataOf(frames[0]!)).object).toBe('chat.completion.chunk');
      expect(JSON.parse(dataOf(frames[2]!))).toMatchObject({ error: { code: 50507 } });
      expect(fake.balances(key)!.spent).toBeGreaterThan(0);
    });

    it('streamGapMs is a silence before the first event and between events; JSON answers are not slowed', async () => {
      const key = newKey({ streamGapMs: 150 });
      const started = Date.now();
      const res = await call('/v1/chat/completions', { key, json: chatBody('Qwen/Qwen2.5-7B-Instruct', { stream: true, fake_chunks: 2 }) });
      const reader = res.body!.getReader();
      const arrivals: number[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) arrivals.push(Date.now() - started);
      expect(arrivals[0]).toBeGreaterThanOrEqual(140);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(2 * 140);
      const plain = Date.now();
      expect((await call('/v1/chat/completions', { key, json: chatBody('Qwen/Qwen2.5-7B-Instruct') })).status).toBe(200);
      expect(Date.now() - plain).toBeLessThan(140);
    });
  });

  it.each([
    ['an unknown model', JSON.stringify(chatBody('nope/model')), upstreamError(20012, 'Model does not exist. Please check it carefully.')],
    ['invalid JSON', '{"model": "Qwen/Qwen2.5-7B-Instruct",', upstreamError(20015, 'The parameter is invalid. Please check again.')],
    [
      'missing messages',
      JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct' }),
      upstreamError(20015, 'The parameter is invalid. Please check again.'),
    ],
    [
      'a prompt over the context length',
      JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [{ role: 'user', content: 'x'.repeat(200_000) }] }),
      upstreamError(20015, 'length of prompt_tokens (50000) must be less than max_seq_len (32768).'),
    ],
  ])('answers 400 for %s', async (_what, body, expected) => {
    const res = await call('/v1/chat/completions', { key: newKey(), body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(expected);
  });
});

describe('money errors on billable calls', () => {
  it.each([402, 403] as const)('an exhausted key gets 30001 on HTTP %i', async (exhaustedStatus) => {
    const key = newKey({ behavior: 'exhausted', exhaustedStatus });
    for (const [path, json] of [
      ['/v1/chat/completions', chatBody('Qwen/Qwen2.5-7B-Instruct')],
      ['/v1/embeddings', { model: 'BAAI/bge-m3', input: 'x' }],
    ] as const) {
      const res = await call(path, { key, json });
      expect(res.status).toBe(exhaustedStatus);
      expect(await res.json()).toEqual(BALANCE);
    }
  });

  it('a gift-only key gets 30011 for Pro/ models and is served for the others', async () => {
    const key = newKey({ behavior: 'gift-only' });
    const pro = await call('/v1/chat/completions', { key, json: chatBody('Pro/deepseek-ai/DeepSeek-R1') });
    expect(pro.status).toBe(403);
    expect(await pro.json()).toEqual(
      upstreamError(30011, 'The selected model requires paid balance. Your paid balance is insufficient. Please top up and try again.'),
    );
    expect((await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-R1') })).status).toBe(200);
  });
});

describe('other endpoints', () => {
  it('completions answer text_completion, also as SSE', async () => {
    const key = newKey();
    const json = { model: 'Qwen/Qwen2.5-Coder-7B-Instruct', prompt: 'def add(a, b):', suffix: '\n' };
    const body = (await (await call('/v1/completions', { key, json })).json()) as { object: string; choices: Array<{ text: string }> };
    expect(body.object).toBe('text_completion');
    expect(body.choices[0]?.text).toBe('Echo: def add(a, b):');
    const { frames } = await readFrames(await call('/v1/completions', { key, json: { ...json, stream: true } }));
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames.slice(0, -1).every((f) => 'usage' in (JSON.parse(dataOf(f)) as object))).toBe(true);
  });

  it('fillMaxTokens (the demo): an answer is exactly max_tokens long, plain and streamed; without max_tokens it is the echo', async () => {
    const filling = await startFakeSiliconFlow({ fillMaxTokens: true });
    try {
      const key = 'sk-fill' + 'x'.repeat(44);
      filling.setKey(key, {});
      const json = { model: 'deepseek-ai/DeepSeek-V3', max_tokens: 500, messages: [{ role: 'user', content: 'hi' }] };
      const plain = (await (await call('/v1/chat/completions', { key, json, on: filling })).json()) as any;
      expect(plain.usage.completion_tokens).toBe(500);
      const { frames } = await readFrames(await call('/v1/chat/completions', { key, json: { ...json, stream: true }, on: filling }));
      expect(JSON.parse(dataOf(frames.at(-2)!)).usage.completion_tokens).toBe(500);
      const { max_tokens: _, ...unbounded } = json;
      const echo = (await (await call('/v1/chat/completions', { key, json: unbounded, on: filling })).json()) as any;
      expect(echo.choices[0].message.content).toBe('Echo: hi');
    } finally {
      await filling.close();
    }
  });

  it('messages answer an Anthropic message, and Anthropic events when streaming', async () => {
    const key = newKey();
    const json = { model: 'deepseek-ai/DeepSeek-V3', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] };
    const body = await (await call('/v1/messages', { key, json })).json();
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Echo: hi' }],
      stop_reason: 'end_turn',
    });
    const { frames } = await readFrames(await call('/v1/messages', { key, json: { ...json, stream: true } }));
    const events = frames.map((f) => /^event: (\S+)\n/.exec(f)?.[1]);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_delta');
    expect(events.at(-1)).toBe('message_stop');
  });

  it('embeddings answer 8 deterministic floats per input', async () => {
    const key = newKey();
    const one = (await (await call('/v1/embeddings', { key, json: { model: 'BAAI/bge-m3', input: 'a' } })).json()) as {
      data: Array<{ embedding: number[] }>;
    };
    const many = (await (await call('/v1/embeddings', { key, json: { model: 'BAAI/bge-m3', input: ['a', 'b'] } })).json()) as {
      data: Array<{ object: string; index: number; embedding: number[] }>;
      usage: { prompt_tokens: number };
    };
    expect(many.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
      ['embedding', 0, 8],
      ['embedding', 1, 8],
    ]);
    expect(many.data[0]?.embedding).toEqual(one.data[0]?.embedding);
    expect(many.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('rerank sorts results by relevance and honours top_n', async () => {
    const json = { model: 'BAAI/bge-reranker-v2-m3', query: 'apple pie', documents: ['banana bread', 'apple pie recipe', 'car'], top_n: 2 };
    const body = (await (await call('/v1/rerank', { key: newKey(), json })).json()) as {
      results: Array<{ index: number; relevance_score: number; document: { text: string } }>;
      tokens: { input_tokens: number };
    };
    expect(body.results).toHaveLength(2);
    expect(body.results[0]).toMatchObject({ index: 1, document: { text: 'apple pie recipe' } });
    expect(body.results[0]!.relevance_score).toBeGreaterThanOrEqual(body.results[1]!.relevance_score);
    expect(body.tokens.input_tokens).toBeGreaterThan(0);
  });

  it('images/generations answer image URLs, timings and a seed', async () => {
    const res = await call('/v1/images/generations', { key: newKey(), json: { model: 'Kwai-Kolors/Kolors', prompt: 'a cat', seed: 42 } });
    const body = (await res.json()) as { images: Array<{ url: string }>; timings: { inference: number }; seed: number };
    expect(body.seed).toBe(42);
    expect(body.timings.inference).toEqual(expect.any(Number));
    expect((await fetch(body.images[0]!.url)).headers.get('content-type')).toBe('image/png');
  });

  it('audio/speech streams 64 KiB of deterministic audio/mpeg bytes, chunked', async () => {
    const key = newKey();
    const json = { model: 'FunAudioLLM/CosyVoice2-0.5B', input: 'Hello', voice: 'FunAudioLLM/CosyVoice2-0.5B:alex' };
    const res = await call('/v1/audio/speech', { key, json });
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('content-length')).toBeNull();
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(64 * 1024);
    const again = Buffer.from(await (await call('/v1/audio/speech', { key, json })).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
  });

  it('audio/transcriptions read the multipart file and report its size', async () => {
    const form = new FormData();
    form.append('model', 'FunAudioLLM/SenseVoiceSmall');
    form.append('file', new Blob([Buffer.alloc(1234, 7)], { type: 'audio/wav' }), 'clip.wav');
    const res = await call('/v1/audio/transcriptions', { key: newKey(), body: form });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toContain('1234 bytes');
  });

  it('audio/transcriptions without a file part answer 20015', async () => {
    const form = new FormData();
    form.append('model', 'FunAudioLLM/SenseVoiceSmall');
    const res = await call('/v1/audio/transcriptions', { key: newKey(), body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 20015 });
  });

  it('an unknown /v1 path or a wrong method answers the plain-text 404', async () => {
    for (const [path, method] of [
      ['/v1/nope', 'GET'],
      ['/v1/models', 'POST'],
      ['/v2/models', 'GET'],
    ] as const) {
      const res = await call(path, { key: newKey(), method });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('404 page not found');
    }
  });
});

describe('recording, delays, hangs and close()', () => {
  it('records every request, failed ones too, with the exact body bytes', async () => {
    fake.clearRequests();
    const raw = Buffer.from('{ "model" :"nope",\n "messages": [ ] , "x": "é\u0000" }', 'utf8');
    await call('/v1/chat/completions?trace=1', { key: 'sk-unregistered', body: raw, headers: { 'x-test': 'yes' } });
    await call('/_fake/state');
    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions?trace=1', key: 'sk-unregistered' });
    expect(recorded!.headers['x-test']).toBe('yes');
    expect(recorded!.body.equals(raw)).toBe(true);
    expect(recorded!.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('record: false keeps no request, so memory stays flat under load', async () => {
    const own = await startFakeSiliconFlow({ record: false, keys: { 'sk-own': {} } });
    try {
      const res = await call('/v1/chat/completions', { on: own, key: 'sk-own', json: chatBody('deepseek-ai/DeepSeek-V3') });
      expect(res.status).toBe(200);
      await call('/v1/models', { on: own, key: 'sk-unregistered' });
      expect(own.requests).toHaveLength(0);
      expect(await (await call('/_fake/state', { on: own })).json()).toMatchObject({ requestCount: 0 });
    } finally {
      await own.close();
    }
  });

  it('acceptAnyKey serves unknown keys like ok keys; set keys keep their behavior, no key stays invalid', async () => {
    const own = await startFakeSiliconFlow({ acceptAnyKey: true, keys: { 'sk-busy': { behavior: 'overloaded' } } });
    try {
      const anyKey = `sk-${'q'.repeat(48)}`;
      const chat = await call('/v1/chat/completions', { on: own, key: anyKey, json: chatBody('deepseek-ai/DeepSeek-V3') });
      expect(chat.status).toBe(200);
      expect(((await chat.json()) as { object: string }).object).toBe('chat.completion');
      expect(await (await call('/v1/user/info', { on: own, key: anyKey })).json()).toMatchObject({
        data: { balance: '14.00', chargeBalance: '0.00' },
      });
      expect(own.getKey(anyKey)).toBeUndefined(); // served, never stored
      expect((await call('/v1/models', { on: own, key: 'sk-busy' })).status).toBe(503);
      expect((await call('/v1/models', { on: own })).status).toBe(401);
      expect(own.requests.map((r) => r.key)).toEqual([anyKey, anyKey, 'sk-busy', null]);
    } finally {
      await own.close();
    }
  });

  it('delayMs holds the response headers back', async () => {
    const started = Date.now();
    const res = await call('/v1/models', { key: newKey({ delayMs: 150 }) });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('close() resolves promptly with hanging and delayed requests, which then fail', async () => {
    const own = await startFakeSiliconFlow({ keys: { 'sk-hang': { behavior: 'hang' }, 'sk-slow': { delayMs: 60_000 } } });
    const hanging = call('/v1/chat/completions', { on: own, key: 'sk-hang', json: chatBody('deepseek-ai/DeepSeek-V3') });
    const slow = call('/v1/models', { on: own, key: 'sk-slow' });
    hanging.catch(() => undefined);
    slow.catch(() => undefined);
    await withTimeout(
      waitFor(() => own.requests.length === 2),
      2_000,
      'both requests arriving',
    );
    await withTimeout(own.close(), 1_000, 'close()');
    await expect(hanging).rejects.toThrow();
    await expect(slow).rejects.toThrow();
  });
});

describe('key state API and control endpoints', () => {
  it('setKey merges, getKey returns a copy, removeKey makes the key unknown', async () => {
    const key = newKey({ balance: '3.00' });
    fake.setKey(key, { chargeBalance: '1.50' });
    expect(fake.getKey(key)).toEqual({ behavior: 'ok', balance: '3.00', chargeBalance: '1.50', exhaustedStatus: 402 });
    fake.setKey(key, { retryAfterSeconds: 5 });
    fake.setKey(key, { retryAfterSeconds: undefined });
    expect(fake.getKey(key)).not.toHaveProperty('retryAfterSeconds');
    fake.getKey(key)!.behavior = 'hang';
    expect(fake.getKey(key)?.behavior).toBe('ok');
    fake.removeKey(key);
    expect(fake.getKey(key)).toBeUndefined();
    expect((await call('/v1/models', { key })).status).toBe(401);
  });

  it('POST /_fake/keys and /_fake/user-info-mode change the fake; /_fake/state masks keys', async () => {
    const key = `sk-${'c'.repeat(44)}wxyz`;
    const set = await call('/_fake/keys', { json: { key, behavior: 'overloaded' } });
    expect(set.status).toBe(200);
    expect((await call('/v1/models', { key })).status).toBe(503);
    expect((await call('/_fake/keys', { json: { key, behavior: 'sleepy' } })).status).toBe(400);
    expect((await call('/_fake/user-info-mode', { json: { mode: 'gone' } })).status).toBe(200);
    const state = await (await call('/_fake/state')).text();
    expect(state).toContain('"userInfoMode":"gone"');
    expect(state).toContain(`"${maskKey(key)}"`);
    expect(state).not.toContain(key);
  });

  it('demo keys are stable, realistic and cover the varied states', () => {
    const keys = demoKeys();
    expect(demoKeys()).toEqual(keys);
    expect(Object.keys(keys).every((k) => /^sk-[a-z]{48}$/.test(k))).toBe(true);
    const behaviors = Object.values(keys).map((s) => s.behavior);
    for (const b of ['ok', 'exhausted', 'gift-only', 'invalid', 'invalid-string', 'rate-limited', 'overloaded'] as const) {
      expect(behaviors).toContain(b);
    }
    expect(Object.values(keys).some((s) => s.behavior === 'exhausted' && s.exhaustedStatus === 403)).toBe(true);
    expect(maskKey('sk-abcdefghijklmnopqrstuvwxyz')).toBe('sk-abcd…wxyz');
  });

  it("the demo's recorded balances are the fake's money, but for one seller's figure out of date", () => {
    const keys = demoKeys();
    const entries = demoEntries();
    expect(entries.map((e) => e.key)).toEqual(Object.keys(keys));
    const recorded = entries.filter((e) => e.via !== null);
    expect(new Set(recorded.map((e) => e.via))).toEqual(new Set(['import', 'admin', 'top-up']));
    // An import line carries one figure: gift credit, and no paid credit.
    for (const e of recorded.filter((r) => r.via === 'import')) expect(keys[e.key]!.chargeBalance).toBe('0.00');
    const stale = recorded.filter((e) => e.gift !== keys[e.key]!.balance || e.paid !== keys[e.key]!.chargeBalance);
    expect(stale.map((e) => [e.label, e.gift, keys[e.key]!.balance])).toEqual([['nearly-empty', '0.05', '0.02']]);
    expect(entries.filter((e) => !e.enabled).map((e) => e.label)).toEqual(['overloaded']);
  });
});

/** prices.json's figures in n¥ per unit, written out here: the fake is checked against the table, not against itself. */
const YUAN = 1_000_000_000;
const V3 = { input: 2_000, output: 8_000 }; // deepseek-ai/DeepSeek-V3: ¥2 / ¥8 per million tokens
const R1 = { input: 4_000, output: 16_000 }; // deepseek-ai/DeepSeek-R1: ¥4 / ¥16
const QWEN3_RETRIEVAL_PER_TOKEN = 280; // Qwen/Qwen3-Embedding-8B and -Reranker-8B: ¥0.28 per million
const FLUX_PER_IMAGE = 140_000_000; // black-forest-labs/FLUX.1-dev: ¥0.14 an image
const COSYVOICE_PER_BYTE = 50_000; // FunAudioLLM/CosyVoice2-0.5B: ¥50 per million UTF-8 bytes of input

type OpenAiUsage = { prompt_tokens: number; completion_tokens: number; completion_tokens_details?: { reasoning_tokens: number } };
const tokenCost = (price: { input: number; output: number }, usage: OpenAiUsage) =>
  usage.prompt_tokens * price.input + usage.completion_tokens * price.output;
const spentOf = (key: string, on = fake) => on.balances(key)!.spent;
const PAID_REQUIRED = upstreamError(
  30011,
  'The selected model requires paid balance. Your paid balance is insufficient. Please top up and try again.',
);

async function chatUsage(key: string, model: string, extra: Record<string, unknown> = {}, on = fake): Promise<OpenAiUsage> {
  const res = await call('/v1/chat/completions', { key, json: chatBody(model, extra), on });
  expect(res.status).toBe(200);
  return ((await res.json()) as { usage: OpenAiUsage }).usage;
}

/** The usage of the last OpenAI-style SSE chunk that carried one. */
async function lastStreamedUsage(res: Response): Promise<OpenAiUsage | undefined> {
  const { frames } = await readFrames(res);
  const chunks = frames.filter((f) => f !== 'data: [DONE]').map((f) => JSON.parse(dataOf(f)) as { usage?: OpenAiUsage });
  return chunks.at(-1)?.usage;
}

describe('money: every billable answer is paid for, by the usage it reports', () => {
  it('a chat on a paid model costs its prompt and completion tokens at the table price, from gift credit', async () => {
    const key = newKey();
    const usage = await chatUsage(key, 'deepseek-ai/DeepSeek-V3');
    const cost = tokenCost(V3, usage);
    expect(cost).toBeGreaterThan(0);
    expect(fake.balances(key)).toEqual({
      gift: 14 * YUAN - cost,
      paid: 0,
      total: 14 * YUAN - cost,
      spentGift: cost,
      spentPaid: 0,
      spent: cost,
    });
    expect(fake.requests.at(-1)?.charge).toEqual({ model: 'deepseek-ai/DeepSeek-V3', gift: cost, paid: 0 });
  });

  it('reasoning tokens bill as output, and a stream costs what its last chunk reported, like the plain answer', async () => {
    const key = newKey();
    const plain = await chatUsage(key, 'deepseek-ai/DeepSeek-R1');
    expect(plain.completion_tokens).toBeGreaterThan(plain.completion_tokens_details!.reasoning_tokens);
    const cost = tokenCost(R1, plain);
    expect(spentOf(key)).toBe(cost);
    const res = await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-R1', { stream: true }) });
    expect(await lastStreamedUsage(res)).toEqual(plain);
    expect(spentOf(key)).toBe(2 * cost);
  });

  it('completions and messages are billed streaming or not; an Anthropic stream by message_start and message_delta', async () => {
    const key = newKey();
    const prompt = { model: 'deepseek-ai/DeepSeek-V3', prompt: 'def add(a, b):' };
    const plain = (await (await call('/v1/completions', { key, json: prompt })).json()) as { usage: OpenAiUsage };
    expect(await lastStreamedUsage(await call('/v1/completions', { key, json: { ...prompt, stream: true } }))).toEqual(plain.usage);
    expect(spentOf(key)).toBe(2 * tokenCost(V3, plain.usage));

    const before = spentOf(key);
    const json = { model: 'deepseek-ai/DeepSeek-V3', max_tokens: 64, messages: [{ role: 'user', content: 'hi there' }] };
    type Tokens = { input_tokens: number; output_tokens: number };
    const { usage } = (await (await call('/v1/messages', { key, json })).json()) as { usage: Tokens };
    const cost = usage.input_tokens * V3.input + usage.output_tokens * V3.output;
    expect(spentOf(key) - before).toBe(cost);
    const { frames } = await readFrames(await call('/v1/messages', { key, json: { ...json, stream: true } }));
    const events = frames.map(
      (f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as { type: string; message?: { usage: Tokens }; usage?: Tokens },
    );
    expect(events.find((e) => e.type === 'message_start')?.message?.usage).toEqual({ input_tokens: usage.input_tokens, output_tokens: 0 });
    expect(events.find((e) => e.type === 'message_delta')?.usage).toEqual({ output_tokens: usage.output_tokens });
    expect(spentOf(key) - before).toBe(2 * cost);
  });

  it('embeddings and rerank bill their input tokens, images each image, speech each UTF-8 byte of its input', async () => {
    const key = newKey();
    type Embedded = { usage: { prompt_tokens: number } };
    const embedded = (await (
      await call('/v1/embeddings', { key, json: { model: 'Qwen/Qwen3-Embedding-8B', input: ['a b c', 'd e f'] } })
    ).json()) as Embedded;
    let spent = embedded.usage.prompt_tokens * QWEN3_RETRIEVAL_PER_TOKEN;
    expect(spentOf(key)).toBe(spent);
    const rerankJson = { model: 'Qwen/Qwen3-Reranker-8B', query: 'apple', documents: ['apple pie', 'car'] };
    const reranked = (await (await call('/v1/rerank', { key, json: rerankJson })).json()) as { meta: { tokens: { input_tokens: number } } };
    spent += reranked.meta.tokens.input_tokens * QWEN3_RETRIEVAL_PER_TOKEN;
    expect(spentOf(key)).toBe(spent);
    const imageJson = { model: 'black-forest-labs/FLUX.1-dev', prompt: 'a cat', batch_size: 2 };
    expect(((await (await call('/v1/images/generations', { key, json: imageJson })).json()) as { images: unknown[] }).images).toHaveLength(
      2,
    );
    spent += 2 * FLUX_PER_IMAGE;
    expect(spentOf(key)).toBe(spent);
    const speechJson = { model: 'FunAudioLLM/CosyVoice2-0.5B', input: 'Hello, 世界', voice: 'FunAudioLLM/CosyVoice2-0.5B:alex' };
    await (await call('/v1/audio/speech', { key, json: speechJson })).arrayBuffer();
    spent += 13 * COSYVOICE_PER_BYTE; // 7 ASCII bytes and two 3-byte characters: bytes, not characters
    expect(fake.balances(key)).toMatchObject({ gift: 14 * YUAN - spent, paid: 0, spent });
    const shown = ((14 * YUAN - spent) / YUAN).toFixed(2);
    expect(fake.getKey(key)?.balance).toBe(shown);
    expect(await (await call('/v1/user/info', { key })).json()).toMatchObject({ data: { balance: shown, totalBalance: shown } });
  });

  it('gift credit is spent first, then paid credit', async () => {
    const key = newKey({ balance: '0.00001', chargeBalance: '1.00' }); // 10,000 n¥ of gift
    const cost = tokenCost(V3, await chatUsage(key, 'deepseek-ai/DeepSeek-V3'));
    expect(cost).toBeGreaterThan(10_000);
    expect(fake.balances(key)).toMatchObject({ gift: 0, paid: YUAN - (cost - 10_000), spentGift: 10_000, spentPaid: cost - 10_000 });
    expect(fake.requests.at(-1)?.charge).toEqual({ model: 'deepseek-ai/DeepSeek-V3', gift: 10_000, paid: cost - 10_000 });
  });

  it("Pro/ models cost their model's price from paid credit only, and answer 403 30011 without paid credit", async () => {
    const key = newKey({ chargeBalance: '1.00' });
    const cost = tokenCost(V3, await chatUsage(key, 'Pro/deepseek-ai/DeepSeek-V3'));
    expect(fake.balances(key)).toMatchObject({ gift: 14 * YUAN, paid: YUAN - cost, spentGift: 0, spentPaid: cost });

    const giftOnly = newKey();
    for (const model of ['Pro/deepseek-ai/DeepSeek-V3', 'Pro/Qwen/Qwen2.5-7B-Instruct']) {
      const res = await call('/v1/chat/completions', { key: giftOnly, json: chatBody(model) });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(PAID_REQUIRED);
    }
    expect((await call('/v1/chat/completions', { key: giftOnly, json: chatBody('deepseek-ai/DeepSeek-V3') })).status).toBe(200);
    expect(fake.balances(giftOnly)?.spentPaid).toBe(0);
  });

  it("at zero, paid models answer 30001 on the key's exhaustedStatus and free or unpriced models are still served, free", async () => {
    const key = newKey({ balance: '0.00', exhaustedStatus: 403 });
    for (const [path, json] of [
      ['/v1/chat/completions', chatBody('deepseek-ai/DeepSeek-V3')],
      ['/v1/chat/completions', chatBody('Pro/deepseek-ai/DeepSeek-V3')], // no money at all: 30001, not 30011
      ['/v1/images/generations', { model: 'black-forest-labs/FLUX.1-dev', prompt: 'a cat' }],
      ['/v1/audio/speech', { model: 'FunAudioLLM/CosyVoice2-0.5B', input: 'hi' }],
    ] as const) {
      const res = await call(path, { key, json });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(BALANCE);
    }
    for (const [path, json] of [
      ['/v1/chat/completions', chatBody('Qwen/Qwen2.5-7B-Instruct')],
      ['/v1/chat/completions', chatBody('Qwen/Qwen2.5-72B-Instruct')], // not in the price table: free in the fake
      ['/v1/embeddings', { model: 'BAAI/bge-m3', input: 'x' }],
      ['/v1/images/generations', { model: 'Kwai-Kolors/Kolors', prompt: 'a cat' }],
    ] as const) {
      expect((await call(path, { key, json })).status).toBe(200);
      expect(fake.requests.at(-1)?.charge).toMatchObject({ gift: 0, paid: 0 });
    }
    expect(fake.balances(key)).toMatchObject({ gift: 0, paid: 0, spent: 0 });
  });

  it('the call that empties a key overdraws it a little, then paid models get 30001 while free ones are served', async () => {
    const key = newKey({ balance: '0.000001' }); // 1,000 n¥
    const cost = tokenCost(V3, await chatUsage(key, 'deepseek-ai/DeepSeek-V3', { fake_chunks: 700 }));
    expect(fake.balances(key)).toMatchObject({ gift: 1_000 - cost, paid: 0, spent: cost });
    expect(await (await call('/v1/user/info', { key })).json()).toMatchObject({ data: { balance: '-0.01', totalBalance: '-0.01' } });
    const refused = await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-V3') });
    expect([refused.status, await refused.json()]).toEqual([402, BALANCE]);
    expect((await call('/v1/chat/completions', { key, json: chatBody('Qwen/Qwen2.5-7B-Instruct') })).status).toBe(200);
    expect(spentOf(key)).toBe(cost);

    // A Pro/ call overdraws paid credit, never the gift; the key still has money, so Pro/ gets 30011.
    const pro = newKey({ chargeBalance: '0.000001' });
    const proCost = tokenCost(V3, await chatUsage(pro, 'Pro/deepseek-ai/DeepSeek-V3', { fake_chunks: 700 }));
    expect(fake.balances(pro)).toMatchObject({ gift: 14 * YUAN, paid: 1_000 - proCost });
    const again = await call('/v1/chat/completions', { key: pro, json: chatBody('Pro/deepseek-ai/DeepSeek-V3') });
    expect([again.status, await again.json()]).toEqual([403, PAID_REQUIRED]);
  });

  it('a stream cut short costs what the chunks it sent reported', async () => {
    const key = newKey({ failMidStream: true });
    const res = await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-V3', { stream: true }) });
    const usage = await lastStreamedUsage(res);
    expect(usage?.completion_tokens).toBe(2);
    expect(spentOf(key)).toBe(tokenCost(V3, usage!));
  });

  it('overcharge bills a factor more than the table: set at start or by POST /_fake/billing', async () => {
    const own = await startFakeSiliconFlow({ overcharge: 1.1, keys: { 'sk-own': {} } });
    try {
      const base = tokenCost(V3, await chatUsage('sk-own', 'deepseek-ai/DeepSeek-V3', {}, own));
      expect(spentOf('sk-own', own)).toBe((base * 11) / 10); // base is whole thousands of n¥: exact
      const set = await call('/_fake/billing', { on: own, json: { overcharge: 1 } });
      expect(await set.json()).toEqual({ overcharge: 1, prices: {} });
      await chatUsage('sk-own', 'deepseek-ai/DeepSeek-V3', {}, own);
      expect(spentOf('sk-own', own)).toBe((base * 21) / 10);
      for (const overcharge of [-1, '2', null]) {
        const bad = await call('/_fake/billing', { on: own, json: { overcharge } });
        expect([bad.status, ((await bad.json()) as { code: number }).code]).toEqual([400, 20015]);
      }
      own.setOvercharge(1.25);
      expect(await (await call('/_fake/state', { on: own })).json()).toMatchObject({ billing: { overcharge: 1.25 } });
    } finally {
      await own.close();
    }
  });

  it("a test's price replaces the table's (for Pro/ too) until set back with null; a cost is rounded half up once", async () => {
    const own = await startFakeSiliconFlow({ keys: { 'sk-own': { chargeBalance: '1.00' } } });
    try {
      own.setPrice('Qwen/Qwen2.5-7B-Instruct', { unit: 'million-tokens', input: '1', output: '3' });
      const usage = await chatUsage('sk-own', 'Qwen/Qwen2.5-7B-Instruct', {}, own);
      await chatUsage('sk-own', 'Pro/Qwen/Qwen2.5-7B-Instruct', {}, own);
      const cost = usage.prompt_tokens * 1_000 + usage.completion_tokens * 3_000;
      expect(own.balances('sk-own')).toMatchObject({ spentGift: cost, spentPaid: cost });

      // ¥0.000005 per million tokens is 0.005 n¥ a token: 100 tokens cost 0.5 n¥ → 1, 99 tokens 0.495 n¥ → 0.
      const price = { unit: 'million-tokens', input: '0.000005' };
      expect((await call('/_fake/prices', { on: own, json: { model: 'Qwen/Qwen3-Embedding-8B', price } })).status).toBe(200);
      const embed = async (chars: number) => {
        const before = spentOf('sk-own', own);
        await call('/v1/embeddings', { on: own, key: 'sk-own', json: { model: 'Qwen/Qwen3-Embedding-8B', input: 'x'.repeat(chars) } });
        return spentOf('sk-own', own) - before;
      };
      expect([await embed(400), await embed(396)]).toEqual([1, 0]);
      expect(await (await call('/_fake/state', { on: own })).json()).toMatchObject({
        billing: { prices: { 'Qwen/Qwen3-Embedding-8B': price } },
      });
      await call('/_fake/prices', { on: own, json: { model: 'Qwen/Qwen3-Embedding-8B', price: null } });
      expect(await embed(400)).toBe(100 * QWEN3_RETRIEVAL_PER_TOKEN);

      for (const json of [
        { model: 'x', price: { unit: 'per-second', input: '1' } },
        { model: 'x', price: { unit: 'image' } },
        { model: 'x' },
      ]) {
        const bad = await call('/_fake/prices', { on: own, json });
        expect([bad.status, ((await bad.json()) as { code: number }).code]).toEqual([400, 20015]);
      }
      expect(() => own.setPrice('x', { unit: 'million-tokens', input: '-1' })).toThrow(/not negative/);
    } finally {
      await own.close();
    }
  });

  it('the same calls cost the same every time, and the charges on the recorded requests add up to the spend', async () => {
    const run = async (key: string) => {
      await chatUsage(key, 'deepseek-ai/DeepSeek-V3');
      await readFrames(await call('/v1/chat/completions', { key, json: chatBody('deepseek-ai/DeepSeek-R1', { stream: true }) }));
      await chatUsage(key, 'Pro/deepseek-ai/DeepSeek-R1');
      await call('/v1/embeddings', { key, json: { model: 'Qwen/Qwen3-Embedding-8B', input: 'same text' } });
      await call('/v1/images/generations', { key, json: { model: 'black-forest-labs/FLUX.1-dev', prompt: 'a cat' } });
      await (await call('/v1/audio/speech', { key, json: { model: 'FunAudioLLM/CosyVoice2-0.5B', input: '你好' } })).arrayBuffer();
      const charges = fake.requests.map((r) => r.charge);
      fake.clearRequests();
      return charges;
    };
    const [a, b] = [newKey({ balance: '0.01', chargeBalance: '2.00' }), newKey({ balance: '0.01', chargeBalance: '2.00' })];
    fake.clearRequests();
    const charges = await run(a);
    expect(await run(b)).toEqual(charges);
    expect(fake.balances(b)).toEqual(fake.balances(a));
    const sum = (credit: 'gift' | 'paid') => charges.reduce((total, c) => total + c![credit], 0);
    expect(fake.balances(a)).toMatchObject({ spentGift: sum('gift'), spentPaid: sum('paid'), gift: 0 }); // the image took the rest of the gift
  });

  it('a top-up reaches a key at once, by topUp() or POST /_fake/top-up; gift-only is paid credit at zero', async () => {
    const key = newKey({ behavior: 'gift-only' });
    const pro = () => call('/v1/chat/completions', { key, json: chatBody('Pro/deepseek-ai/DeepSeek-R1') });
    expect((await pro()).status).toBe(403);
    fake.topUp(key, { paid: '1.00' });
    expect((await pro()).status).toBe(200);
    const spent = spentOf(key);
    const res = await call('/_fake/top-up', { json: { key, paid: '100' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { key: string; money: Record<string, string> };
    expect(body.key).toBe(maskKey(key));
    expect(body.money).toMatchObject({ gift: '14', paid: String((101 * YUAN - spent) / YUAN) });
    for (const json of [
      { key: 'sk-unknown', paid: '1' },
      { key, paid: '-1' },
      { key, gift: 5 },
    ]) {
      expect((await call('/_fake/top-up', { json })).status).toBe(400);
    }
    expect(() => fake.topUp('sk-unknown', { paid: '1' })).toThrow();
  });

  it('keeps balances exactly: amounts with up to 9 decimals, shown rounded to the fen', async () => {
    const key = newKey({ balance: '0.004999999', chargeBalance: '0.005' });
    expect(fake.getKey(key)).toMatchObject({ balance: '0.00', chargeBalance: '0.01' });
    expect(fake.balances(key)).toMatchObject({ gift: 4_999_999, paid: 5_000_000, total: 9_999_999 });
    expect(await (await call('/v1/user/info', { key })).json()).toMatchObject({ data: { totalBalance: '0.01' } });
    expect(() => fake.setKey(key, { balance: '1,5' })).toThrow(/amount in yuan/);
  });

  it('computes money with its own code: nothing in the fake imports src/ledger/', async () => {
    const dir = new URL('./support/fake-siliconflow/', import.meta.url);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.ts'));
    expect(files).toContain('billing.ts');
    for (const name of files) expect(await readFile(new URL(name, dir), 'utf8')).not.toMatch(/from '[./]*src\/ledger\//);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
