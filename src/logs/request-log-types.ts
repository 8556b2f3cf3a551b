import type { Nano } from '../ledger/money.js';

/** What the /v1 proxy records about one client request. Never the key itself. */
export type RequestLogEntry = {
  /** ms since epoch, when the request arrived */
  time: number;
  method: string;
  /** Without the query string. */
  path: string;
  model: string | null;
  /** The alias the client sent (MODEL_ALIASES) when `model` is what it stands for; null when no alias was used. */
  requestedModel: string | null;
  stream: boolean;
  /**
   * The status the client got — except for a stream that carried an error event after its headers:
   * the status that error stands for (500 for 50507, 402 for 30001…), so it does not count as a success.
   */
  status: number;
  /** The pool key that served (or last failed) the request. */
  keyId: number | null;
  /** The client key that made it (0: the admin's own key); null when no key was accepted. */
  clientId: number | null;
  /** Upstream calls made for this request. */
  attempts: number;
  /** ms from arrival until the first response byte went to the client. */
  firstByteMs: number | null;
  totalMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  /**
   * What the request cost in nano-yuan (src/ledger/money.ts), by the price book in force: 0 for an
   * answer that is not billed (an error, a free model); null when unknown (no price, no usage).
   */
  costNano: Nano | null;
  /** The parts of the cost paid from gift and from paid credit (gift first; Pro/ from paid only); null = unknown. */
  giftNano: Nano | null;
  paidNano: Nano | null;
  /**
   * null on success; else a short class: "unauthorized", "body-too-large", "no-usable-key", "all-keys-cooling",
   * "pool-backoff", "connect-timeout", "first-byte-timeout", "idle-timeout", "connection-refused",
   * "connection-reset", "network-error", "upstream-5xx", "upstream-<status>" (a 4xx passed through),
   * "upstream-broke" (mid-stream), "empty-stream" (a 200 stream that closed before its first event),
   * "stream-error" (an error event inside a stream), "client-aborted", "internal-error".
   */
  errorClass: string | null;
};
