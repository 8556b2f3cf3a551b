/**
 * `fake_content_bytes` (a test hook like fake_chunks, not an upstream field): a non-stream chat
 * answer whose content is padded so the whole body is about that many bytes, with its usage — the
 * benchmark's large-body case (`npm run bench`). The body is built once per size and model and kept,
 * so serving it costs the fake almost nothing and the benchmark measures the proxy, not the fake.
 */
import { estimateTokens, randomishId, unixSeconds } from './fake-text.js';
import type { Usage } from './reply.js';

/** The largest padded answer the fake makes: far above any real chat answer. */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;
/** Bodies kept at most; a test asking for many sizes starts the cache over instead of growing it. */
const MAX_CACHED = 8;
const PAD = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';

export type PaddedAnswer = { body: Buffer; usage: Usage };

const cache = new Map<string, PaddedAnswer>();

/** The request's fake_content_bytes when it is a whole number from 1 to MAX_CONTENT_BYTES, else undefined. */
export function contentBytesAsked(request: Record<string, unknown>): number | undefined {
  const asked = request.fake_content_bytes;
  return typeof asked === 'number' && Number.isInteger(asked) && asked >= 1 && asked <= MAX_CONTENT_BYTES ? asked : undefined;
}

/** A chat.completion of about `bytes` bytes (never less than its frame), usage last as SiliconFlow sends it. */
export function paddedAnswer(bytes: number, model: string, promptTokens: number): PaddedAnswer {
  const key = `${bytes} ${model} ${promptTokens}`;
  let answer = cache.get(key);
  if (!answer) {
    if (cache.size >= MAX_CACHED) cache.clear();
    answer = buildAnswer(bytes, model, promptTokens);
    cache.set(key, answer);
  }
  return answer;
}

function buildAnswer(bytes: number, model: string, promptTokens: number): PaddedAnswer {
  const frame = { id: randomishId(''), created: unixSeconds(), model, object: 'chat.completion' };
  const render = (content: string) => {
    const usage = usageOf(content, promptTokens);
    const value = { ...frame, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage };
    return { body: Buffer.from(JSON.stringify(value)), usage };
  };
  // The usage's digits depend on the content's length: measure the frame with a first guess, then pad once.
  const overhead = render('x'.repeat(bytes)).body.length - bytes;
  const length = Math.max(0, bytes - overhead);
  return render(PAD.repeat(Math.ceil(length / PAD.length)).slice(0, length));
}

function usageOf(content: string, promptTokens: number): Usage {
  const completion = estimateTokens(content);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}
