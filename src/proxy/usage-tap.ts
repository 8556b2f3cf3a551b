export type Usage = { promptTokens: number | null; completionTokens: number | null; totalTokens: number | null };

const MAX_JSON_COPY = 4 * 1024 * 1024;

/**
 * Watches a response body go by (it is never held up or changed) and finds the token usage:
 * in a JSON body's `usage`, or in the last SSE `data:` line that carried one (SiliconFlow sends
 * running totals on every chunk). Lines can be long, so no line-length limit.
 */
export class UsageTap {
  private readonly sse: boolean;
  private readonly json: boolean;
  private partial = '';
  private lastUsageLine: string | null = null;
  private copy: Buffer[] = [];
  private copied = 0;

  constructor(contentType: string | undefined) {
    this.sse = !!contentType?.startsWith('text/event-stream');
    this.json = !this.sse && !!contentType?.includes('json');
  }

  push(chunk: Buffer): void {
    if (this.sse) this.scanLines(chunk.toString('utf8'));
    else if (this.json && this.copied + chunk.length <= MAX_JSON_COPY) {
      this.copy.push(chunk);
      this.copied += chunk.length;
    } else this.copy = [];
  }

  usage(): Usage | null {
    if (this.sse) {
      if (this.partial.includes('"usage"')) this.lastUsageLine = this.partial;
      return this.lastUsageLine ? fromLine(this.lastUsageLine) : null;
    }
    if (!this.json || this.copy.length === 0) return null;
    try {
      return toUsage((JSON.parse(Buffer.concat(this.copy).toString('utf8')) as { usage?: unknown }).usage);
    } catch {
      return null;
    }
  }

  private scanLines(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('data:') && line.includes('"usage"')) this.lastUsageLine = line;
  }
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
