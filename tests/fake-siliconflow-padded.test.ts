/**
 * The fake's `fake_content_bytes` hook (the benchmark's 1 MiB case): a non-stream chat answer of
 * about the asked size that a client can use like any other, its usage included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSiliconFlow, type FakeSiliconFlow } from './support/fake-siliconflow/index.js';

const MIB = 1024 * 1024;
const KEY = `sk-padded${'x'.repeat(44)}`;
let fake: FakeSiliconFlow;

beforeAll(async () => {
  fake = await startFakeSiliconFlow();
  fake.setKey(KEY, {});
});
afterAll(async () => {
  await fake.close();
});

async function chat(extra: Record<string, unknown>): Promise<{ bytes: number; body: any }> {
  const res = await fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [{ role: 'user', content: 'hi' }], ...extra }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await res.text();
  expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) };
}

describe('fake_content_bytes', () => {
  it('answers 1 MiB with a valid chat.completion and its usage', async () => {
    const { bytes, body } = await chat({ fake_content_bytes: MIB });
    expect(Math.abs(bytes - MIB)).toBeLessThanOrEqual(16);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('Qwen/Qwen2.5-7B-Instruct');
    const content: string = body.choices[0].message.content;
    expect(content.length).toBeGreaterThan(MIB - 512);
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('gives the same size the same answer, and another size its own', async () => {
    const first = await chat({ fake_content_bytes: 4096 });
    const again = await chat({ fake_content_bytes: 4096 });
    const other = await chat({ fake_content_bytes: 8192 });
    expect(again.body).toEqual(first.body);
    expect(Math.abs(first.bytes - 4096)).toBeLessThanOrEqual(16);
    expect(Math.abs(other.bytes - 8192)).toBeLessThanOrEqual(16);
  });

  it('is ignored when it is not a whole number of bytes', async () => {
    const { body } = await chat({ fake_content_bytes: 'lots' });
    expect(body.choices[0].message.content).toBe('Echo: hi');
  });
});
