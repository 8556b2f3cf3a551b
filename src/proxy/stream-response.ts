import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { errorBody } from '../http-error.js';
import { StreamBeat, type Heartbeats } from './heartbeat.js';
import { PROXY_CODES } from './proxy-errors.js';
import { SHUTDOWN_MESSAGE } from './stopping.js';
import type { UpstreamHead } from './upstream-call.js';
import { UsageTap } from './usage-tap.js';

/** How the stream ended, and the tap that watched its body go by (what it used). */
export type StreamResult = { tap: UsageTap; error: 'client-aborted' | 'upstream-broke' | 'shutdown' | null };

/**
 * Sends an upstream response to the client as it arrives, byte for byte, with backpressure (and with
 * `headers`, the upstream's as cleaned by clientResponseHeaders): when the
 * client's socket is full the upstream socket pauses until it drains. After the first byte nothing is
 * retried: if upstream breaks off, an SSE stream gets a last event carrying the error (Anthropic's
 * `event: error` on /v1/messages, a `data: {"error":…}` elsewhere), any other body is cut so the
 * client sees it incomplete. The same when the server's shutdown deadline ends the stream, with a
 * message that says so (and no blame on upstream or the key). A silent SSE stream gets `: keep-alive`
 * comments between its events (heartbeat.ts).
 */
export function streamToClient(
  answer: UpstreamHead,
  headers: OutgoingHttpHeaders,
  res: ServerResponse,
  path: string,
  heartbeats: Pick<Heartbeats, 'add' | 'remove'>,
  done: (r: StreamResult) => void,
): void {
  const contentType = String(headers['content-type'] ?? '');
  const sse = contentType.startsWith('text/event-stream');
  const tap = new UsageTap(contentType);
  let last: Buffer | undefined;
  // A comment written into a compressed body would corrupt it: heartbeats go to plain SSE only.
  const encoding = headers['content-encoding'];
  const beat = sse && (!encoding || encoding === 'identity') ? new StreamBeat(res) : undefined;
  let settled = false;
  const settle = (error: StreamResult['error']) => {
    if (settled) return;
    settled = true;
    if (beat) heartbeats.remove(beat);
    res.off('drain', resume);
    done({ tap, error });
  };
  const resume = () => answer.call.resume();

  res.writeHead(answer.status, headers);
  if (sse) res.flushHeaders();
  if (beat) heartbeats.add(beat);
  res.on('drain', resume);
  answer.call.attach({
    data(chunk) {
      tap.push(chunk);
      last = chunk;
      beat?.sent(chunk);
      return res.write(chunk);
    },
    end() {
      res.end();
      settle(null);
    },
    error() {
      if (res.destroyed) {
        res.destroy();
        return settle('client-aborted');
      }
      const shutdown = answer.call.abortReason === 'shutdown';
      if (sse) res.end(frameEnd(last) + errorFrame(path, shutdown ? SHUTDOWN_MESSAGE : BROKE_OFF));
      else res.destroy();
      settle(shutdown ? 'shutdown' : 'upstream-broke');
    },
  });
}

const BROKE_OFF = 'SiliconFlow 的响应中途断开。The upstream response broke off.';
const MESSAGES_PATH = /^\/v1\/+messages\/*$/i;

/**
 * The last event for a stream that ended early, in the format of the endpoint's clients: Anthropic's
 * stream error event on /v1/messages (the Anthropic SDK raises on it, and skipped the OpenAI-style
 * frame; its shape is Anthropic's, not errorBody's), the server's error body with OpenAI's type in a
 * data line elsewhere.
 */
function errorFrame(path: string, message: string): string {
  if (MESSAGES_PATH.test(path))
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
  const body = errorBody(PROXY_CODES.upstreamUnavailable, message, { details: { type: 'upstream_error' } });
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** What ends the event the upstream was in the middle of, so the error frame is an event of its own. */
function frameEnd(last: Buffer | undefined): string {
  if (!last || (last.at(-1) === NL && last.at(-2) === NL)) return '';
  return last.at(-1) === NL ? '\n' : '\n\n';
}

const NL = 0x0a;
