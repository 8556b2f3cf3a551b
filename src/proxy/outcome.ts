import {
  CODE_IP_BUSY,
  CODE_PAID_BALANCE_REQUIRED,
  errorCode,
  isInvalidKey,
  isOutOfBalance,
  isUpstreamOverloaded,
  type UpstreamAnswer,
} from '../siliconflow/errors.js';

/** What an outcome does to the key: the verdict the pool records. */
export type KeyAction =
  /**
   * An answer that says nothing about the key (the caller's mistake, SiliconFlow overloaded): counted
   * in its uses, and nothing else — status, cooling, lacks-paid, failures in a row and last error stay.
   */
  | 'counted'
  /**
   * Used, and served: a paid-only (Pro/) model served shows paid credit — the ledger's estimate of
   * "none" is corrected (and flagged: a top-up or voucher it did not know), a 30011 is over.
   */
  | 'served'
  | 'invalid'
  /** Out of money (a new anchor: nothing left, whatever the estimate said); it still serves free models. */
  | 'exhausted'
  /** Remembered as lacking paid credit (a new anchor: paid credit 0); its status stays, and so does its use for other models. */
  | 'lacks-paid'
  /** Cooling until the answer's Retry-After, or for COOLDOWN_SECONDS. */
  | 'cools-down'
  /** Not blamed: its failures in a row count up, shown as `error` after ERROR_AFTER_FAILURES. */
  | 'troubled'
  | 'untouched';

/**
 * What an outcome does to the request, and which of its two budgets it spends when it goes on to
 * another key: MAX_KEY_TRIES dead keys (cheap to replace at once), MAX_ATTEMPTS calls that met
 * SiliconFlow's own trouble. An outcome that ends the request spends none.
 */
export type OutcomeRow = Readonly<
  | {
      key: KeyAction;
      /** `answer`: SiliconFlow's answer goes to the client. `pool-backoff`: the whole pool backs off, 429. */
      request: 'answer' | 'pool-backoff';
      budget: null;
    }
  | {
      key: KeyAction;
      /**
       * Another key; `next-paid-key`: one with paid credit from now on; `next-key-or-pool-backoff`:
       * unless over half the pool answered 429 within 10 s — then the pool backs off (see backoff.ts).
       */
      request: 'next-key' | 'next-paid-key' | 'next-key-or-pool-backoff';
      budget: 'key-tries' | 'attempts';
    }
>;

/** The rows whose request goes on to another key. */
export type GoesOnRow = Extract<OutcomeRow, { budget: 'key-tries' | 'attempts' }>;

/**
 * What an upstream answer means for the key and for the request — the outcome table of the proxy
 * (docs/proxy.en.md, "Outcomes"). Decided before the first byte reaches the client.
 */
export const OUTCOMES = {
  /** 2xx/3xx: streamed to the client (and charged to the key's estimate once its usage is known). */
  ok: { key: 'served', request: 'answer', budget: null },
  /** 401, code 30014, or a bare "Invalid token": the key is invalid. */
  invalid: { key: 'invalid', request: 'next-key', budget: 'key-tries' },
  /**
   * 402/403 with code 30001: the key is out of money. When it was exhausted already (tried first for
   * a free model), the model is not free after all: the request uses funded keys from then on.
   */
  exhausted: { key: 'exhausted', request: 'next-key', budget: 'key-tries' },
  /** 403 with code 30011: the key has gift credit only. */
  'needs-paid': { key: 'lacks-paid', request: 'next-paid-key', budget: 'key-tries' },
  /** 429: the key's account cools down for the request's model (account-cooling.ts); the key is not blamed. */
  'rate-limited': { key: 'cools-down', request: 'next-key-or-pool-backoff', budget: 'key-tries' },
  /** Code 50603 (system busy): SiliconFlow limits this server's IP, not the key. */
  'pool-backoff': { key: 'untouched', request: 'pool-backoff', budget: null },
  /**
   * 50505 / 50508: SiliconFlow is overloaded, whichever key asks. Another key may find capacity, but
   * the key is not blamed: one busy hour upstream must not turn a whole pool into `error` keys.
   */
  overloaded: { key: 'counted', request: 'next-key', budget: 'attempts' },
  /** Other 5xx, and no answer at all: not the key's fault, but several in a row show it as `error`. */
  'upstream-error': { key: 'troubled', request: 'next-key', budget: 'attempts' },
  /**
   * Any other 4xx — bad parameters (20015), an unknown model (20012, on 400), a prompt over the
   * model's max_seq_len (20015), a wrong path (404), a moderation refusal: the caller's business,
   * passed through, and the key is not touched (a success would reset its failures; this is none).
   */
  'passed-through': { key: 'counted', request: 'answer', budget: null },
} as const satisfies Record<string, OutcomeRow>;

export type Outcome = keyof typeof OUTCOMES;

/** 2xx/3xx: the `ok` outcome, known from the status alone, so the body can stream. */
export const isOkStatus = (status: number) => status < 400;

export function classifyAnswer(answer: UpstreamAnswer): Outcome {
  const { status, body } = answer;
  if (isOkStatus(status)) return 'ok';
  const code = errorCode(body);
  if (isInvalidKey(answer)) return 'invalid';
  if (isOutOfBalance(answer)) return 'exhausted';
  if (status === 403 && code === CODE_PAID_BALANCE_REQUIRED) return 'needs-paid';
  if (code === CODE_IP_BUSY) return 'pool-backoff';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return isUpstreamOverloaded(body) ? 'overloaded' : 'upstream-error';
  return 'passed-through';
}
