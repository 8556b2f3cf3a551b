import type { OutgoingHttpHeaders } from 'node:http';
import type { CorsHeaders } from './cors.js';
import { decodedBody } from './error-body.js';
import { clientResponseHeaders } from './headers.js';
import { MAX_JOB_ANSWER_BYTES } from './job-affinity.js';
import { filteredModelList, MAX_MODEL_LIST_BYTES } from './model-list.js';
import type { Trouble } from './own-answers.js';
import { collectBody, type UpstreamHead } from './upstream-call.js';

/**
 * SiliconFlow answers the proxy reads whole before the client gets them, because it changes or reads
 * them: the model list (filtered and with the aliases) and the answers that name a job. What comes
 * out is ready for one write; the exchange writes it and keeps the books.
 */
export type WholeReply = { readonly headers: OutgoingHttpHeaders; readonly bytes: Buffer };

/** The body could not be read whole (it broke off, or was too large): the exchange answers with its own error. */
export type Unread = { readonly errorClass: Trouble };

export const isUnread = (r: WholeReply | Unread): r is Unread => 'errorClass' in r;

/** GET /v1/models: the models the client key may use, and the aliases (listed with their models). */
export async function modelListReply(
  answer: UpstreamHead,
  secret: string,
  cors: CorsHeaders,
  keep: (model: string) => boolean,
  aliases: ReadonlyMap<string, string>,
): Promise<WholeReply | Unread> {
  const collected = await collectBody(answer.call, MAX_MODEL_LIST_BYTES);
  if (!Buffer.isBuffer(collected)) return { errorClass: collected.errorClass };
  const decoded = decodedBody(collected, answer.headers['content-encoding']);
  if (!decoded) return { errorClass: 'upstream-5xx' };
  return filteredModelList(answer, decoded, secret, cors, keep, aliases);
}

/**
 * An answer about a job (job-affinity.ts): small, read whole (capped) and sent byte for byte as it
 * came; `decoded` is what the job ids and the usage are read from (null when it cannot be decoded).
 */
export async function jobReply(
  answer: UpstreamHead,
  secret: string,
  cors: CorsHeaders,
): Promise<(WholeReply & { readonly decoded: Buffer | null }) | Unread> {
  const collected = await collectBody(answer.call, MAX_JOB_ANSWER_BYTES);
  if (!Buffer.isBuffer(collected)) return { errorClass: collected.errorClass };
  const headers = clientResponseHeaders(answer.headers, secret, cors);
  headers['content-length'] = collected.length;
  return { headers, bytes: collected, decoded: decodedBody(collected, answer.headers['content-encoding']) };
}
