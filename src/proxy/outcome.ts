import {
  CODE_IP_BUSY,
  CODE_PAID_BALANCE_REQUIRED,
  errorCode,
  isInvalidKey,
  isOutOfBalance,
  type UpstreamAnswer,
} from '../siliconflow/errors.js';

/**
 * What an upstream answer means for the key and for the request — the outcome table of the proxy
 * (README, "Outcomes"). Decided before the first byte reaches the client.
 */
export type Outcome =
  /** 2xx/3xx: stream it to the client. */
  | 'ok'
  /** 401, code 30014, or a bare "Invalid token": the key is invalid; next key. */
  | 'invalid'
  /** 402/403 with code 30001: the key is out of money; next key. */
  | 'exhausted'
  /** 403 with code 30011: the key has gift credit only; next key with paid credit. */
  | 'needs-paid'
  /** 429: the key cools down; next key. */
  | 'rate-limited'
  /** Code 50603: the whole pool backs off; 429 to the client. */
  | 'pool-backoff'
  /** 5xx (and no answer at all): not the key's fault; another key, within MAX_ATTEMPTS. */
  | 'upstream-error'
  /** Any other 4xx (bad parameters, unknown model, wrong path): the caller's business; passed through. */
  | 'passed-through';

export function classifyAnswer(answer: UpstreamAnswer): Outcome {
  const { status, body } = answer;
  if (status < 400) return 'ok';
  const code = errorCode(body);
  if (isInvalidKey(answer)) return 'invalid';
  if (isOutOfBalance(answer)) return 'exhausted';
  if (status === 403 && code === CODE_PAID_BALANCE_REQUIRED) return 'needs-paid';
  if (code === CODE_IP_BUSY) return 'pool-backoff';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'upstream-error';
  return 'passed-through';
}

/** Outcomes that take the key out of service: cheap to retry at once on another key (MAX_KEY_TRIES). */
export const KEY_OUTCOMES: ReadonlySet<Outcome> = new Set(['invalid', 'exhausted', 'needs-paid', 'rate-limited']);
