import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsHeaders } from './cors.js';
import { clientResponseHeaders } from './headers.js';
import type { UpstreamHead } from './upstream-call.js';

/** A model list is small (SiliconFlow's is tens of KB); anything far larger is not one. */
export const MAX_MODEL_LIST_BYTES = 8 * 1024 * 1024;

export const isModelList = (method: string, path: string) => method === 'GET' && (path === '/v1/models' || path === '/v1/models/');

/** How an alias is listed: `owned_by` says it is one, `alias_for` names the SiliconFlow model it stands for. */
export const ALIAS_OWNER = 'alias';

/**
 * SiliconFlow's GET /v1/models answer with only the models a client key may use (the `data` array
 * filtered by `id`), then each alias (MODEL_ALIASES) whose model is still in the list, as an extra
 * entry — so a `type`/`sub_type` query or a key's model limit shows the aliases it can use. Every
 * other field of the body is kept; a body that is not such a list goes as it came.
 */
export function filteredModelList(
  answer: UpstreamHead,
  decoded: Buffer,
  secret: string,
  cors: CorsHeaders,
  keep: (model: string) => boolean,
  aliases: ReadonlyMap<string, string>,
): { headers: OutgoingHttpHeaders; bytes: Buffer } {
  const headers = clientResponseHeaders(answer.headers, secret, cors);
  delete headers['content-encoding'];
  const bytes = filtered(decoded, keep, aliases) ?? decoded;
  headers['content-length'] = bytes.length;
  return { headers, bytes };
}

type ModelEntry = { id?: unknown; created?: unknown };

function filtered(decoded: Buffer, keep: (model: string) => boolean, aliases: ReadonlyMap<string, string>): Buffer | null {
  let body: unknown;
  try {
    body = JSON.parse(decoded.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { data?: unknown }).data)) return null;
  const list = body as { data: unknown[] };
  const listed = new Map<string, ModelEntry>();
  list.data = list.data.filter((m) => {
    const id = (m as ModelEntry | null)?.id;
    if (typeof id !== 'string' || !keep(id)) return false;
    listed.set(id, m as ModelEntry);
    return true;
  });
  for (const [alias, model] of aliases) {
    const target = listed.get(model);
    if (!target || listed.has(alias)) continue;
    list.data.push({ id: alias, object: 'model', created: target.created ?? 0, owned_by: ALIAS_OWNER, alias_for: model });
  }
  return Buffer.from(JSON.stringify(list));
}
