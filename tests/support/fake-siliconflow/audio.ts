/** POST /v1/audio/speech (chunked binary audio) and POST /v1/audio/transcriptions (multipart). */
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { isKnownModel } from './models.js';
import { multipartBoundary, parseMultipart } from './multipart.js';
import { chunkGapMs, streamChunks } from './sse.js';

export const SPEECH_BYTES = 64 * 1024;
const SPEECH_CHUNKS = 8;

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

export async function audioSpeech(ctx: FakeContext): Promise<void> {
  const request = parseJsonObject(ctx.body);
  if (!request) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  if (!isKnownModel(request.model, 'text-to-speech')) return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  if (typeof request.input !== 'string' || request.input === '') {
    return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  }
  const format = typeof request.response_format === 'string' ? request.response_format : 'mp3';
  const contentType = AUDIO_TYPES[format] ?? 'audio/mpeg';
  const tab = ctx.openTab(request.model);
  const inputBytes = Buffer.byteLength(request.input, 'utf8');
  // Speech is billed by its input text, in full with the first chunk: the answer reports no usage.
  const bill = (index: number): void => {
    if (index === 0) tab.runTo({ inputBytes });
  };
  // No content-length: the body goes out chunked, in several writes, like the real audio stream.
  await streamChunks(ctx, { 'content-type': contentType }, speechChunks(request.input), chunkGapMs(request, SPEECH_CHUNKS), bill);
}

/** SPEECH_BYTES deterministic bytes derived from the text, split into SPEECH_CHUNKS buffers. */
export function speechChunks(input: string): Buffer[] {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < SPEECH_BYTES; i++) blocks.push(sha256(`${input}:${i}`));
  const audio = Buffer.concat(blocks).subarray(0, SPEECH_BYTES);
  const size = SPEECH_BYTES / SPEECH_CHUNKS;
  return Array.from({ length: SPEECH_CHUNKS }, (_, i) => audio.subarray(i * size, (i + 1) * size));
}

export function audioTranscriptions(ctx: FakeContext): void {
  const boundary = multipartBoundary(ctx.req.headers['content-type']);
  if (!boundary) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const parts = parseMultipart(ctx.body, boundary);
  const file = parts.find((part) => part.name === 'file');
  if (!file) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const model = parts.find((part) => part.name === 'model')?.data.toString('utf8');
  if (model !== undefined && !isKnownModel(model, 'speech-to-text')) {
    return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  }
  // The answer reports no usage, so nothing is billed; the charge (0) is still recorded.
  if (model !== undefined) ctx.openTab(model);
  const name = file.filename ?? 'file';
  sendJson(ctx.res, 200, { text: `Fake transcription of ${name} (${file.data.length} bytes).` });
}
