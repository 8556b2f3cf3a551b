import type { ServerResponse } from 'node:http';
import { clientResponseHeaders } from './headers.js';
import { PROXY_CODES } from './proxy-errors.js';
import type { UpstreamResponse } from './upstream-client.js';
import { UsageTap, type Usage } from './usage-tap.js';

export type StreamResult = { usage: Usage | null; error: 'client-aborted' | 'upstream-broke' | null };

/**
 * Sends an upstream response to the client as it arrives, byte for byte, with backpressure (pipe).
 * After the first byte nothing is retried: if upstream breaks off, an SSE stream gets a last `data:`
 * event carrying the error, any other body is cut so the client sees it incomplete.
 */
export function streamToClient(answer: UpstreamResponse, res: ServerResponse, signal: AbortSignal, done: (r: StreamResult) => void): void {
  const headers = clientResponseHeaders(answer.headers);
  const contentType = String(headers['content-type'] ?? '');
  const sse = contentType.startsWith('text/event-stream');
  const tap = new UsageTap(contentType);
  const body = answer.body;
  let settled = false;
  const settle = (error: StreamResult['error']) => {
    if (settled) return;
    settled = true;
    done({ usage: tap.usage() ?? { promptTokens: null, completionTokens: null, totalTokens: null }, error });
  };

  res.writeHead(answer.status, headers);
  if (sse) res.flushHeaders();
  body.on('data', (chunk: Buffer) => tap.push(chunk));
  body.pipe(res, { end: false });
  body.once('end', () => {
    res.end();
    settle(null);
  });
  body.once('error', () => {
    body.unpipe(res);
    if (signal.aborted || res.destroyed) {
      res.destroy();
      return settle('client-aborted');
    }
    if (sse) res.end(sseError());
    else res.destroy();
    settle('upstream-broke');
  });
}

function sseError(): string {
  const message = 'SiliconFlow 的响应中途断开。The upstream response broke off.';
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', code: PROXY_CODES.upstreamUnavailable } })}\n\n`;
}
