import { describe, expect, it } from 'vitest';
import { NOTHING_METERED } from '../../../src/ledger/metered.js';
import { meterAnswer, meteringOf, type Metering } from '../../../src/proxy/meter.js';
import { requestFacts } from '../../../src/proxy/request-body.js';
import { UsageTap } from '../../../src/proxy/usage-tap.js';

/** The body as it goes by, cut into small pieces so nothing relies on a frame arriving whole. */
function tapOf(contentType: string, body: string, piece = 7): UsageTap {
  const tap = new UsageTap(contentType);
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += piece) tap.push(bytes.subarray(i, i + piece));
  return tap;
}

const sse = (...events: unknown[]) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
const anthropicEvent = (type: string, value: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...value })}\n\n`;

function metered(path: string, contentType: string, body: string, request: object = {}) {
  const tap = tapOf(contentType, body);
  const facts = requestFacts(Buffer.from(JSON.stringify(request)), 'application/json');
  return meterAnswer(meteringOf(path), tap.usage(), tap, facts);
}

const tokens = (inputTokens: number | null, outputTokens: number | null) => ({ ...NOTHING_METERED, inputTokens, outputTokens });

describe('the meter: what an answer consumed, by format', () => {
  it('OpenAI JSON: prompt and completion tokens; reasoning tokens are already in completion_tokens', () => {
    const body = JSON.stringify({
      choices: [{ message: { content: 'x', reasoning_content: 'y' } }],
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, completion_tokens_details: { reasoning_tokens: 20 } },
    });
    expect(metered('/v1/chat/completions', 'application/json', body)).toEqual(tokens(12, 30));
  });

  it('OpenAI SSE: usage on every chunk as running totals, the last one counts; a final "usage":null changes nothing', () => {
    const chunk = (n: number) => ({
      choices: [{ delta: { content: 'a' } }],
      usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n },
    });
    const body = sse(chunk(1), chunk(2), chunk(3), { choices: [], usage: null }, '[DONE]');
    expect(metered('/v1/chat/completions', 'text/event-stream; charset=utf-8', body)).toEqual(tokens(5, 3));
  });

  it('Anthropic JSON: input_tokens and output_tokens', () => {
    const body = JSON.stringify({ type: 'message', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 9, output_tokens: 4 } });
    expect(metered('/v1/messages', 'application/json', body)).toEqual(tokens(9, 4));
  });

  it('Anthropic SSE: input_tokens from message_start and output_tokens from the last message_delta, merged', () => {
    const body =
      anthropicEvent('message_start', { message: { id: 'msg_1', usage: { input_tokens: 17, output_tokens: 0 } } }) +
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }) +
      anthropicEvent('ping', {}) +
      anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 6 } }) +
      anthropicEvent('message_stop', {});
    const tap = tapOf('text/event-stream', body, 5);
    expect(tap.usage()).toEqual({ promptTokens: 17, completionTokens: 6, totalTokens: 23 });
    expect(meterAnswer('tokens', tap.usage(), tap, requestFacts(Buffer.alloc(0), undefined))).toEqual(tokens(17, 6));
  });

  it('rerank: the tokens object (top-level or in meta) gives the input tokens', () => {
    const results = Array.from({ length: 300 }, (_, index) => ({
      index,
      relevance_score: 0.5,
      document: { text: 'a long document '.repeat(10) },
    }));
    const body = JSON.stringify({
      id: 'r',
      results,
      meta: { tokens: { input_tokens: 321, output_tokens: 0 } },
      tokens: { input_tokens: 321, output_tokens: 0 },
    });
    expect(body.length).toBeGreaterThan(16 * 1024);
    expect(metered('/v1/rerank', 'application/json', body)).toEqual(tokens(321, 0));
  });

  it('embeddings: the usage after a long list of vectors', () => {
    const data = Array.from({ length: 500 }, (_, index) => ({ object: 'embedding', index, embedding: [0.125, -0.5, 0.25, 1] }));
    const body = JSON.stringify({ object: 'list', data, usage: { prompt_tokens: 800, total_tokens: 800 } });
    expect(metered('/v1/embeddings', 'application/json', body)).toEqual(tokens(800, null));
  });

  it('images: the images listed in the answer, else the request batch_size, else one', () => {
    const answer = (n: number) =>
      JSON.stringify({ images: Array.from({ length: n }, (_, i) => ({ url: `https://img/${i}.png` })), seed: 1 });
    expect(metered('/v1/images/generations', 'application/json', answer(3), { batch_size: 4 }).images).toBe(3);
    const openAiShape = JSON.stringify({ created: 1, data: [{ url: 'u1' }, { url: 'u2' }] });
    expect(metered('/v1/images/generations', 'application/json', openAiShape).images).toBe(2);
    const huge = JSON.stringify({ images: [{ b64_json: 'A'.repeat(40_000) }] });
    expect(metered('/v1/images/generations', 'application/json', huge, { batch_size: 2 })).toEqual({ ...NOTHING_METERED, images: 2 });
    expect(metered('/v1/images/generations', 'image/png', 'PNG…')).toEqual({ ...NOTHING_METERED, images: 1 });
  });

  it("speech: the UTF-8 bytes of the request's input, whatever the audio answer", () => {
    const request = { model: 'FunAudioLLM/CosyVoice2-0.5B', input: '今天天气不错 ok', voice: 'alex' };
    expect(metered('/v1/audio/speech', 'audio/mpeg', '\u0001\u0002binary', request)).toEqual({ ...NOTHING_METERED, inputBytes: 21 });
  });

  it('an answer that says nothing of its usage is metered as nothing (its cost will be unknown)', () => {
    expect(metered('/v1/chat/completions', 'application/json', '{"choices":[]}')).toBe(NOTHING_METERED);
    expect(metered('/v1/chat/completions', 'text/event-stream', sse({ choices: [] }, '[DONE]'))).toBe(NOTHING_METERED);
    expect(metered('/v1/video/submit', 'application/json', '{"requestId":"x"}')).toBe(NOTHING_METERED);
  });

  it.each([
    ['/v1/chat/completions', 'tokens'],
    ['/v1/messages', 'tokens'],
    ['/v1/images/generations', 'images'],
    ['/v1//images/generations/', 'images'],
    ['/V1/Audio/Speech', 'speech'],
    ['/v1/audio/transcriptions', 'tokens'],
    ['/v1/something-new', 'tokens'],
  ] as const)('%s is metered by %s', (path, metering: Metering) => {
    expect(meteringOf(path)).toBe(metering);
  });
});
