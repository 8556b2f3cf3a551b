import { recordVerdict } from './key-verdict.js';
import { classifyAnswer, OUTCOMES } from './outcome.js';
import type { PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import type { StreamError } from './stream-error.js';
import type { StreamResult } from './stream-response.js';
import type { UpstreamHead } from './upstream-call.js';

/**
 * An SSE answer's verdict and attempt metric wait for its end, since an error event may still come:
 * the attempt's latency until the headers, and whether the model needs paid credit. Other bodies
 * were judged when their headers came.
 */
export type HeldVerdict = { readonly latency: number; readonly paidOnly: boolean };

/** What the request log and the request metric record for the exchange. */
export type StreamEnd = { readonly status: number; readonly errorClass: string | null };

type Deps = Pick<ProxyDeps, 'pool' | 'limits' | 'cooling' | 'metrics' | 'backoff' | 'logger'>;

/**
 * What the end of a streamed answer says about the key, the metrics and the log row: an error event
 * in the stream fails the attempt (its code's verdict, e.g. 30001 → exhausted), a break-off counts as
 * upstream trouble, anything else is a success.
 */
export function streamEnded(
  deps: Deps,
  key: PoolKey,
  answer: UpstreamHead,
  result: StreamResult,
  held: HeldVerdict | null,
  path: string,
  model: string | null,
): StreamEnd {
  const failed = result.tap.streamError();
  if (failed) return failedInStream(deps, key, answer, failed, held, model);
  if (held) {
    deps.metrics.attempt('ok', held.latency);
    recordVerdict(deps, 'served', key, '', answer, held.paidOnly);
  }
  if (result.error === 'upstream-broke') deps.pool.troubled(key, 'the response broke off mid-stream', deps.limits.errorAfterFailures);
  if (result.error) deps.logger.warn({ keyId: key.id, path, error: result.error }, 'response ended early');
  return { status: answer.status, errorClass: result.error };
}

/**
 * The bytes went to the client as they came (the headers were out), but the attempt failed as the
 * matching non-stream answer would have: the outcome table's verdict for the key, its metric, and
 * the status the error stands for on the log row — so it is not counted as a success.
 */
function failedInStream(
  deps: Deps,
  key: PoolKey,
  answer: UpstreamHead,
  failed: StreamError,
  held: HeldVerdict | null,
  model: string | null,
): StreamEnd {
  const outcome = classifyAnswer(failed.answer);
  const row = OUTCOMES[outcome];
  if (held) deps.metrics.attempt(outcome, held.latency);
  // A 429 inside the stream cools the account for the request's model, like one before it.
  recordVerdict(deps, row.key, key, failed.reason, answer, held?.paidOnly, model);
  if (row.request === 'pool-backoff') deps.backoff.trip(deps.limits.poolBackoffMs, 'ip-blocked');
  deps.logger.warn({ keyId: key.id, outcome, status: failed.answer.status }, 'an error event came inside the stream');
  return { status: failed.answer.status, errorClass: STREAM_ERROR };
}

/** The request log's error class for an answer whose stream carried an error event. */
export const STREAM_ERROR = 'stream-error';
