export type Usage = { promptTokens: number | null; completionTokens: number | null; totalTokens: number | null };

/** OpenAI-style JSON bodies put `usage` at the end: only this much of a body's tail is kept. */
const JSON_TAIL_BYTES = 16 * 1024;

/**
 * Watches a response body go by (it is never held up or changed) and finds the token usage:
 * the `usage` object near the end of a JSON body, or the last SSE `data:` line that carried one
 * (SiliconFlow sends running totals on every chunk). SSE lines can be long: no line-length limit.
 */
export class UsageTap {
  private readonly sse: boolean;
  private readonly json: boolean;
  private partial = '';
  private lastUsageLine: string | null = null;
  private tail: Buffer = Buffer.alloc(0);

  constructor(contentType: string | undefined) {
    this.sse = !!contentType?.startsWith('text/event-stream');
    this.json = !this.sse && !!contentType?.includes('json');
  }

  push(chunk: Buffer): void {
    if (this.sse) this.scanLines(chunk.toString('utf8'));
    else if (this.json) {
      const joined = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
      this.tail = joined.length > JSON_TAIL_BYTES ? joined.subarray(joined.length - JSON_TAIL_BYTES) : joined;
    }
  }

  usage(): Usage | null {
    if (this.sse) {
      if (this.partial.includes('"usage"')) this.lastUsageLine = this.partial;
      return this.lastUsageLine ? fromLine(this.lastUsageLine) : null;
    }
    return this.json ? fromJsonTail(this.tail.toString('utf8')) : null;
  }

  private scanLines(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('data:') && line.includes('"usage"')) this.lastUsageLine = line;
  }
}

/** The object after the last `"usage":` key (an unescaped `"usage"` can only be a key), by brace matching. */
function fromJsonTail(text: string): Usage | null {
  const key = text.lastIndexOf('"usage"');
  const start = key < 0 ? -1 : text.indexOf('{', key);
  if (start < 0 || text.slice(key + 7, start).trim() !== ':') return null;
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
        return toUsage(JSON.parse(text.slice(start, i + 1)));
      } catch {
        return null;
      }
    }
  }
  return null;
}

function fromLine(line: string): Usage | null {
  try {
    return toUsage((JSON.parse(line.slice(5)) as { usage?: unknown }).usage);
  } catch {
    return null;
  }
}

/** OpenAI's prompt/completion/total tokens, or Anthropic's input/output tokens (for /v1/messages). */
function toUsage(raw: unknown): Usage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completion = num(u.completion_tokens) ?? num(u.output_tokens);
  const total = num(u.total_tokens) ?? (prompt !== null && completion !== null ? prompt + completion : null);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}
