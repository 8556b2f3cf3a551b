import { describe, expect, it } from 'vitest';
import { requestFacts } from '../../../src/proxy/request-body.js';
import { UsageTap } from '../../../src/proxy/usage-tap.js';

describe('UsageTap', () => {
  it('takes the last SSE chunk that carried usage, across chunk boundaries', () => {
    const tap = new UsageTap('text/event-stream');
    const frame = (n: number) =>
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n } })}\n\n`;
    const text = frame(1) + frame(2) + frame(3) + 'data: [DONE]\n\n';
    for (let i = 0; i < text.length; i += 7) tap.push(Buffer.from(text.slice(i, i + 7)));
    expect(tap.usage()).toEqual({ promptTokens: 5, completionTokens: 3, totalTokens: 8 });
  });

  it('reads a JSON body usage, and Anthropic input/output tokens', () => {
    const tap = new UsageTap('application/json');
    tap.push(Buffer.from('{"id":"x","usage":{"prompt_tokens":10,'));
    tap.push(Buffer.from('"completion_tokens":4,"total_tokens":14}}'));
    expect(tap.usage()).toEqual({ promptTokens: 10, completionTokens: 4, totalTokens: 14 });
    const anthropic = new UsageTap('application/json');
    anthropic.push(Buffer.from('{"usage":{"input_tokens":3,"output_tokens":2}}'));
    expect(anthropic.usage()).toEqual({ promptTokens: 3, completionTokens: 2, totalTokens: 5 });
  });

  it('finds usage at the end of a large JSON body, with nested details and tricky strings before it', () => {
    const tap = new UsageTap('application/json; charset=utf-8');
    const big = JSON.stringify({
      data: Array.from({ length: 2000 }, (_, i) => ({ embedding: [i, 0.5, 0.25], text: 'say "usage": {' })),
      usage: { prompt_tokens: 7, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } },
    });
    for (let i = 0; i < big.length; i += 5000) tap.push(Buffer.from(big.slice(i, i + 5000)));
    expect(tap.usage()).toEqual({ promptTokens: 7, completionTokens: null, totalTokens: 7 });
  });

  it('reads the same usage however a body is cut: one chunk, 1 MiB in 64 KiB chunks, byte by byte across the usage', () => {
    const usage = { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16, details: { note: 'y'.repeat(8000) } };
    const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(1024 * 1024), usage }));
    const cuts = [body.length, 64 * 1024, 1000];
    for (const size of cuts) {
      const tap = new UsageTap('application/json');
      for (let i = 0; i < body.length; i += size) tap.push(body.subarray(i, i + size));
      expect(tap.usage(), `chunks of ${size}`).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
    }
    const tap = new UsageTap('application/json');
    const tail = body.length - 40_000;
    tap.push(body.subarray(0, tail));
    for (let i = tail; i < body.length; i++) tap.push(body.subarray(i, i + 1));
    expect(tap.usage()).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
  });

  it('counts the images of a small answer in several chunks, and none of a body too long to keep whole', () => {
    const answer = Buffer.from(JSON.stringify({ images: [{ url: 'a' }, { url: 'b' }, { url: 'c' }] }));
    const tap = new UsageTap('application/json');
    for (let i = 0; i < answer.length; i += 7) tap.push(answer.subarray(i, i + 7));
    expect(tap.images()).toBe(3);
    const long = new UsageTap('application/json');
    long.push(Buffer.from(JSON.stringify({ images: [{ url: 'a'.repeat(20_000) }] })));
    expect(long.images()).toBeNull();
  });

  it('finds nothing in binary audio', () => {
    const tap = new UsageTap('audio/mpeg');
    tap.push(Buffer.from([1, 2, 3]));
    expect(tap.usage()).toBeNull();
  });
});

describe('requestFacts', () => {
  it('reads model and stream from JSON', () => {
    expect(requestFacts(Buffer.from('{"model":"Pro/x","stream":true}'), 'application/json')).toMatchObject({
      model: 'Pro/x',
      stream: true,
    });
    expect(requestFacts(Buffer.from('{not json'), 'application/json')).toEqual({
      model: null,
      stream: false,
      inputBytes: null,
      batchSize: null,
    });
  });

  it("reads what an answer without usage is billed by: the UTF-8 bytes of a text input, an image batch's size", () => {
    const speech = requestFacts(Buffer.from(JSON.stringify({ model: 'm', input: '你好, world' })), 'application/json');
    expect(speech).toMatchObject({ inputBytes: 13, batchSize: null });
    const images = requestFacts(Buffer.from(JSON.stringify({ model: 'm', prompt: 'a cat', batch_size: 3 })), 'application/json');
    expect(images).toMatchObject({ inputBytes: null, batchSize: 3 });
    for (const odd of [0, 1.5, '2', -1])
      expect(requestFacts(Buffer.from(JSON.stringify({ batch_size: odd })), 'application/json').batchSize).toBeNull();
    expect(requestFacts(Buffer.from('[1,2]'), 'application/json')).toMatchObject({ model: null, inputBytes: null });
    expect(requestFacts(Buffer.from('null'), 'application/json')).toMatchObject({ model: null, inputBytes: null });
  });

  it('reads the model field of a multipart upload', () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF\r\n--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nFunAudioLLM/SenseVoiceSmall\r\n--b--\r\n';
    expect(requestFacts(Buffer.from(body), 'multipart/form-data; boundary=b').model).toBe('FunAudioLLM/SenseVoiceSmall');
  });
});
