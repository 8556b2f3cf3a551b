import { StreamErrorWatch, type StreamError } from './stream-error.js';

export type Usage = { promptTokens: number | null; completionTokens: number | null; totalTokens: number | null };

/** OpenAI-style JSON bodies put `usage` at the end: only this much of a body's tail is kept. */
const JSON_TAIL_BYTES = 16 * 1024;

/**
 * Watches a response body go by (it is never held up or changed) and finds what the answer used:
 * - JSON: the `usage` object near the end of the body, or rerank's `tokens` (`{input_tokens}`);
 * - SSE: the last `data:` line that carried a usage (SiliconFlow sends running totals on every
 *   chunk; `completion_tokens` includes reasoning tokens). Anthropic's stream says `input_tokens` in
 *   `message_start` and only `output_tokens` in the last `message_delta`: the input comes from the
 *   first usage when the last one lacks it. SSE lines can be long: no line-length limit.
 *   It notes the first error event too (stream-error.ts): such a stream is a failed attempt.
 */
export class UsageTap {
  private readonly sse: boolean;
  private readonly json: boolean;
  private partial = '';
  private firstUsageLine: string | null = null;
  private lastUsageLine: string | null = null;
  /** A JSON body's tail; made for JSON bodies only (an SSE or binary answer allocates none). */
  private readonly tail: ChunkTail | undefined;
  private size = 0;
  private readonly errors: StreamErrorWatch | undefined;

  constructor(contentType: string | undefined) {
    this.sse = !!contentType?.startsWith('text/event-stream');
    this.json = !this.sse && !!contentType?.includes('json');
    if (this.sse) this.errors = new StreamErrorWatch();
    if (this.json) this.tail = new ChunkTail(JSON_TAIL_BYTES);
  }

  push(chunk: Buffer): void {
    if (this.sse) this.scanLines(chunk.toString('utf8'));
    else if (this.json) {
      this.size += chunk.length;
      this.tail!.push(chunk);
    }
  }

  usage(): Usage | null {
    if (this.sse) {
      if (hasUsage(this.partial)) this.noteUsageLine(this.partial);
      return this.lastUsageLine ? this.sseUsage(this.lastUsageLine) : null;
    }
    if (!this.json) return null;
    const tail = this.tail!.bytes();
    return toUsage(objectAfterKey(fromLast(tail, '"usage"'), '"usage"') ?? objectAfterKey(fromLast(tail, '"tokens"'), '"tokens"'));
  }

  /** The first error event the stream carried (a last line without its newline too), or null. */
  streamError(): StreamError | null {
    if (!this.errors) return null;
    if (this.partial) this.errors.line(this.partial);
    return this.errors.found;
  }

  /**
   * The number of images in an image generation's JSON answer (`images`, or OpenAI's `data`); null
   * when the body was not JSON or too long to have been kept whole.
   */
  images(): number | null {
    if (!this.json || this.size > JSON_TAIL_BYTES) return null;
    try {
      const body = JSON.parse(this.tail!.bytes().toString('utf8')) as { images?: unknown; data?: unknown };
      const list = Array.isArray(body.images) ? body.images : body.data;
      return Array.isArray(list) ? list.length : null;
    } catch {
      return null;
    }
  }

  private sseUsage(lastLine: string): Usage | null {
    const last = fromLine(lastLine);
    if (!last || last.promptTokens !== null || this.firstUsageLine === lastLine) return last;
    const first = this.firstUsageLine === null ? null : fromLine(this.firstUsageLine);
    const prompt = first?.promptTokens ?? null;
    const total = prompt !== null && last.completionTokens !== null ? prompt + last.completionTokens : last.totalTokens;
    return { promptTokens: prompt, completionTokens: last.completionTokens, totalTokens: total };
  }

  private scanLines(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (hasUsage(line)) this.noteUsageLine(line);
      this.errors!.line(line);
    }
  }

  private noteUsageLine(line: string): void {
    this.firstUsageLine ??= line;
    this.lastUsageLine = line;
  }
}

/**
 * The last `limit` bytes of a body, kept as references to the chunks that hold them: a chunk is
 * never copied as it passes (copying each into a joined tail doubled a large body's work and its
 * garbage), only once, when the tail is read. Chunks wholly before the last `limit` bytes are let go.
 */
class ChunkTail {
  private chunks: Buffer[] = [];
  /** Index of the oldest chunk still needed; the array is compacted once half of it is let go. */
  private first = 0;
  private kept = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - this.chunks[this.first]!.length >= this.limit) this.kept -= this.chunks[this.first++]!.length;
    if (this.first > 16 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** The kept tail, at most `limit` bytes (one chunk is answered as it is, without a copy). */
  bytes(): Buffer {
    const live = this.first === 0 ? this.chunks : this.chunks.slice(this.first);
    const joined = live.length === 1 ? live[0]! : Buffer.concat(live, this.kept);
    return joined.length > this.limit ? joined.subarray(joined.length - this.limit) : joined;
  }
}

/** A data line with a usage object in it (a final chunk's `"usage":null` is none). */
const hasUsage = (line: string) => line.startsWith('data:') && line.includes('"usage"') && !line.includes('"usage":null');

/**
 * The body's text from the last `key` on ('' without one): the usage is read from the ~100 bytes
 * after it instead of decoding the whole kept tail (16 KiB, a string of that size for every large
 * answer). `key` is ASCII, so where its bytes start a character starts.
 */
function fromLast(bytes: Buffer, key: string): string {
  const at = bytes.lastIndexOf(key);
  return at < 0 ? '' : bytes.toString('utf8', at);
}

/** The object after the last `key` (an unescaped `"usage"` can only be a key or a value), by brace matching. */
function objectAfterKey(text: string, key: string): unknown {
  const at = text.lastIndexOf(key);
  const start = at < 0 ? -1 : text.indexOf('{', at);
  if (start < 0 || text.slice(at + key.length, start).trim() !== ':') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A chunk's `usage`, or the one inside Anthropic's `message_start` event (`message.usage`). */
function fromLine(line: string): Usage | null {
  try {
    const event = JSON.parse(line.slice(5)) as { usage?: unknown; message?: { usage?: unknown } };
    return toUsage(event.usage ?? event.message?.usage);
  } catch {
    return null;
  }
}

/** OpenAI's prompt/completion/total tokens, or Anthropic's and rerank's input/output tokens. */
function toUsage(raw: unknown): Usage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completion = num(u.completion_tokens) ?? num(u.output_tokens);
  const total = num(u.total_tokens) ?? (prompt !== null && completion !== null ? prompt + completion : null);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}
