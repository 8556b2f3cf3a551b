import { isTimeout, type NoAnswerClass } from './no-answer.js';
import { MESSAGES, PROXY_CODES } from './proxy-errors.js';
import { SHUTDOWN_MESSAGE } from './stopping.js';

/** Why a call failed on SiliconFlow's side: no answer at all, or a 5xx. */
export type Trouble = NoAnswerClass | 'upstream-5xx';

/**
 * An exchange the proxy ends itself: the status and error class the request log records and, unless
 * the client has gone, the error it answers (docs/proxy.en.md, "The proxy's own errors"; the
 * Exchange adds the CORS headers).
 */
export type Ending = {
  readonly kind: 'ended';
  readonly status: number;
  readonly errorClass: string;
  readonly error?: {
    readonly code: number;
    readonly message: string;
    readonly headers?: Readonly<Record<string, string>>;
    /** More fields of the error object (a client key's refusal names its reason, budget, model). */
    readonly details?: Readonly<Record<string, unknown>>;
  };
};

/** nginx's "client closed request": only logged, there is nobody left to answer. */
const CLIENT_CLOSED_REQUEST = 499;
const TOO_MANY_REQUESTS = 429;
const BAD_GATEWAY = 502;
const SERVICE_UNAVAILABLE = 503;
const GATEWAY_TIMEOUT = 504;

/** The client went away before its answer: no other key is tried. */
export const CLIENT_GONE: Ending = { kind: 'ended', status: CLIENT_CLOSED_REQUEST, errorClass: 'client-aborted' };

/** The server's shutdown deadline came first: not retried, no key blamed (see Exchange.stop). */
export const SHUTTING_DOWN: Ending = {
  kind: 'ended',
  status: SERVICE_UNAVAILABLE,
  errorClass: 'shutdown',
  error: { code: PROXY_CODES.upstreamUnavailable, message: SHUTDOWN_MESSAGE, headers: { connection: 'close' } },
};

/** The pool backs off (50603, or most keys rate-limited at once): 429 until the back-off ends. */
export function poolBackingOff(remainingMs: number): Ending {
  const seconds = wholeSeconds(remainingMs);
  return retryLater('pool-backoff', MESSAGES.poolBackoff(seconds), seconds);
}

/** Every enabled key that could serve is cooling: 429 until the first one is back. */
export function allKeysCooling(msUntilFirstBack: number): Ending {
  const seconds = wholeSeconds(msUntilFirstBack);
  return retryLater('all-keys-cooling', MESSAGES.rateLimited(seconds), seconds);
}

// No key comes back within an SDK's retry budget: tell the OpenAI and Anthropic SDKs not to retry
// (LangChain's defaults otherwise retry this for about 100 s). The 429s above keep their Retry-After.
const NO_RETRY = { 'x-should-retry': 'false' };
const NO_USABLE_KEY = noUsableKeyWith(MESSAGES.noUsableKey);
const NO_USABLE_PAID_KEY = noUsableKeyWith(`${MESSAGES.noUsableKey}（此模型需要充值余额 / this model needs paid balance）`);

/** No key could serve (none left, or MAX_KEY_TRIES dead ones tried): 503, 50301. */
export const noUsableKey = (needsPaid: boolean): Ending => (needsPaid ? NO_USABLE_PAID_KEY : NO_USABLE_KEY);

/** SiliconFlow's trouble used up the attempts: 504 when the last one was a timeout, else 502. */
export function upstreamUnavailable(lastTrouble: Trouble): Ending {
  const timeout = lastTrouble !== 'upstream-5xx' && isTimeout(lastTrouble);
  return {
    kind: 'ended',
    status: timeout ? GATEWAY_TIMEOUT : BAD_GATEWAY,
    errorClass: lastTrouble,
    error: { code: PROXY_CODES.upstreamUnavailable, message: timeout ? MESSAGES.upstreamTimeout : MESSAGES.upstreamUnavailable },
  };
}

function retryLater(errorClass: string, message: string, seconds: number): Ending {
  const headers = { 'retry-after': String(seconds) };
  return { kind: 'ended', status: TOO_MANY_REQUESTS, errorClass, error: { code: PROXY_CODES.rateLimited, message, headers } };
}

function noUsableKeyWith(message: string): Ending {
  return {
    kind: 'ended',
    status: SERVICE_UNAVAILABLE,
    errorClass: 'no-usable-key',
    error: { code: PROXY_CODES.noUsableKey, message, headers: NO_RETRY },
  };
}

/** Retry-After is whole seconds, and at least 1: "0" would invite an immediate retry. */
const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
