import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsHeaders } from './cors.js';
import { clientResponseHeaders } from './headers.js';
import type { UpstreamHead } from './upstream-call.js';

/** A model list is small (SiliconFlow's is tens of KB); anything far larger is not one. */
export const MAX_MODEL_LIST_BYTES = 8 * 1024 * 1024;

export const isModelList = (method: string, path: string) => method === 'GET' && (path === '/v1/models' || path === '/v1/models/');

/**
 * SiliconFlow's GET /v1/models answer with only the models a client key may use: the `data` array
 * filtered by `id`, every other field of the body kept. A body that is not such a list goes as it came.
 */
export function filteredModelList(
  answer: UpstreamHead,
  decoded: Buffer,
  secret: string,
  cors: CorsHeaders,
  keep: (model: string) => boolean,
): { headers: OutgoingHttpHeaders; bytes: Buffer } {
  const headers = clientResponseHeaders(answer.headers, secret, cors);
  delete headers['content-encoding'];
  const bytes = filtered(decoded, keep) ?? decoded;
  headers['content-length'] = bytes.length;
  return { headers, bytes };
}

function filtered(decoded: Buffer, keep: (model: string) => boolean): Buffer | null {
  let body: unknown;
  try {
    body = JSON.parse(decoded.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { data?: unknown }).data)) return null;
  const list = body as { data: unknown[] };
  list.data = list.data.filter((m) => {
    const id = (m as { id?: unknown } | null)?.id;
    return typeof id === 'string' && keep(id);
  });
  return Buffer.from(JSON.stringify(list));
}
