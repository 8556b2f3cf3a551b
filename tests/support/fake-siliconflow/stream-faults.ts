/**
 * How a key's SSE answers go wrong or go quiet (FakeKeyState.streamFault, streamErrorCode,
 * streamErrorShape, streamGapMs): a 200 that opens with an error event or closes before any event, an
 * error event after some content, and long silences — what the proxy's first-event hold and heartbeat
 * are for.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { CODE_UNKNOWN_ERROR } from '../../../src/siliconflow/errors.js';
import type { FakeContext } from './context.js';
import { ERRORS } from './errors.js';

/** What streamChunks sends: the frames, how many of the first are billed, and the silences. */
export interface StreamPlan {
  frames: ReadonlyArray<string | Buffer>;
  /** Frames with a lower index are billed before they go out; an error event is not. */
  billable: number;
  /** Silence before the first frame (before the end, when there is none). */
  firstGapMs: number;
  gapMs: number;
}

/** Content chunks an `error-after-content` stream sends before its error event. */
const CONTENT_BEFORE_ERROR = 2;

/** The answer as the key's stream options make it; non-SSE bodies (audio) are left as they are. */
export function streamPlan(
  ctx: FakeContext,
  headers: OutgoingHttpHeaders,
  frames: ReadonlyArray<string | Buffer>,
  gapMs: number,
): StreamPlan {
  const state = ctx.state;
  if (!state || !String(headers['content-type'] ?? '').startsWith('text/event-stream')) {
    return { frames, billable: frames.length, firstGapMs: 0, gapMs };
  }
  const silences = { firstGapMs: state.streamGapMs ?? 0, gapMs: state.streamGapMs ?? gapMs };
  switch (state.streamFault) {
    case undefined:
      return { frames, billable: frames.length, ...silences };
    case 'close-first':
      return { frames: [], billable: 0, ...silences };
    case 'error-first':
      return { frames: [errorFrame(ctx)], billable: 0, ...silences };
    case 'error-after-content': {
      const content = frames.slice(0, CONTENT_BEFORE_ERROR);
      return { frames: [...content, errorFrame(ctx)], billable: content.length, ...silences };
    }
  }
}

/** The error event in the endpoint's style, with the upstream's message for the code. */
function errorFrame(ctx: FakeContext): string {
  const code = ctx.state?.streamErrorCode ?? CODE_UNKNOWN_ERROR;
  const message = Object.values(ERRORS).find((e) => e.code === code)?.message ?? 'Request failed: Unknown error.';
  if ((ctx.req.url ?? '').startsWith('/v1/messages')) {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', code, message } })}\n\n`;
  }
  const body =
    ctx.state?.streamErrorShape === 'siliconflow' ? { code, message, data: null } : { error: { code, message, type: 'upstream_error' } };
  return `data: ${JSON.stringify(body)}\n\n`;
}
