import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsHeaders } from './cors.js';
import { clientErrorBody, redactKeys, type ErrorContext } from './error-body.js';
import { clientResponseHeaders } from './headers.js';
import type { UpstreamHead } from './upstream-call.js';

/**
 * SiliconFlow's error answer as the client gets it: JSON with OpenAI's error object, never with a
 * pool key in it. `decoded` is the body as read (and decompressed) to classify the answer, so the
 * headers lose Content-Encoding and describe the new body.
 */
export function passedThroughError(
  answer: UpstreamHead,
  decoded: Buffer,
  secret: string,
  cors: CorsHeaders,
  request: Omit<ErrorContext, 'status'>,
): { headers: OutgoingHttpHeaders; bytes: Buffer } {
  const { method, path, model } = request;
  const json = clientErrorBody(decoded.toString('utf8'), { status: answer.status, method, path, model });
  const bytes = Buffer.from(redactKeys(json, secret));
  const headers = clientResponseHeaders(answer.headers, secret, cors);
  delete headers['content-encoding'];
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = bytes.length;
  return { headers, bytes };
}
