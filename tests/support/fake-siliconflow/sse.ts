/** Streaming answers: SSE frames (OpenAI and Anthropic styles) and chunked binary bodies. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FakeContext, JsonObject } from './context.js';
import { pause, traceHeader, writeChunk } from './http-util.js';
import { streamPlan } from './stream-faults.js';

/** After this many chunks a `failMidStream` key's socket is destroyed. */
const CHUNKS_BEFORE_FAILURE = 2;

/** Short streams get a visible gap between chunks; long ones only yield to the event loop. */
const DEFAULT_GAP_MS = 2;
const LONG_STREAM_CHUNKS = 50;

export const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

/** One OpenAI-style frame: `data: {json}\n\n`. */
export function sseData(value: unknown): string {
  return `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
}

/** One Anthropic-style frame: `event: name\ndata: {json}\n\n`. */
export function sseEvent(name: string, value: JsonObject): string {
  return `event: ${name}\ndata: ${JSON.stringify({ type: name, ...value })}\n\n`;
}

/**
 * The gap between chunks: the request's `fake_chunk_delay_ms` when given (a test hook,
 * not an upstream field), else a couple of ms for short streams and none for long ones.
 */
export function chunkGapMs(request: JsonObject, chunkCount: number): number {
  const asked = request.fake_chunk_delay_ms;
  if (typeof asked === 'number' && asked >= 0) return asked;
  return chunkCount > LONG_STREAM_CHUNKS ? 0 : DEFAULT_GAP_MS;
}

/**
 * Sends a 200 whose body is written chunk by chunk with a gap between writes.
 * Stops quietly when the client goes away; for `failMidStream` keys destroys the socket
 * after two chunks, so the client sees a stream cut without its terminating chunk.
 * `bill(index)` runs before each chunk is written, so the chunks a client saw are paid for.
 * A key's stream options (stream-faults.ts) may turn an SSE answer into a failing or a slow one.
 */
export async function streamChunks(
  ctx: FakeContext,
  headers: OutgoingHttpHeaders,
  chunks: ReadonlyArray<string | Buffer>,
  gapMs: number,
  bill: (index: number) => void = () => undefined,
): Promise<void> {
  const { res } = ctx;
  const plan = streamPlan(ctx, headers, chunks, gapMs);
  res.writeHead(200, { ...headers, ...traceHeader() });
  res.flushHeaders();
  if (plan.frames.length === 0 && plan.firstGapMs > 0) await pause(plan.firstGapMs, ctx.signal);
  for (const [index, chunk] of plan.frames.entries()) {
    if (index > 0) await pause(plan.gapMs, ctx.signal);
    else if (plan.firstGapMs > 0) await pause(plan.firstGapMs, ctx.signal);
    if (res.destroyed || res.writableEnded) return;
    if (index < plan.billable) bill(index);
    if (!(await writeChunk(res, chunk))) return;
    if (ctx.state?.failMidStream && index + 1 >= CHUNKS_BEFORE_FAILURE) {
      res.destroy();
      return;
    }
  }
  res.end();
}
