import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { PROXY_CODES } from './proxy-errors.js';
import type { UpstreamHead } from './upstream-call.js';
import { UsageTap, type Usage } from './usage-tap.js';

export type StreamResult = { usage: Usage | null; error: 'client-aborted' | 'upstream-broke' | null };

/**
 * Sends an upstream response to the client as it arrives, byte for byte, with backpressure (and with
 * `headers`, the upstream's as cleaned by clientResponseHeaders): when the
 * client's socket is full the upstream socket pauses until it drains. After the first byte nothing is
 * retried: if upstream breaks off, an SSE stream gets a last `data:` event carrying the error, any
 * other body is cut so the client sees it incomplete.
 */
export function streamToClient(answer: UpstreamHead, headers: OutgoingHttpHeaders, res: ServerResponse, done: (r: StreamResult) => void): void {
  const contentType = String(headers['content-type'] ?? '');
  const sse = contentType.startsWith('text/event-stream');
  const tap = new UsageTap(contentType);
  let settled = false;
  const settle = (error: StreamResult['error']) => {
    if (settled) return;
    settled = true;
    res.off('drain', resume);
    done({ usage: tap.usage(), error });
  };
  const resume = () => answer.call.resume();

  res.writeHead(answer.status, headers);
  if (sse) res.flushHeaders();
  res.on('drain', resume);
  answer.call.attach({
    data(chunk) {
      tap.push(chunk);
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
      if (sse) res.end(sseError());
      else res.destroy();
      settle('upstream-broke');
    },
  });
}

function sseError(): string {
  const message = 'SiliconFlow 的响应中途断开。The upstream response broke off.';
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', code: PROXY_CODES.upstreamUnavailable } })}\n\n`;
}
