/** Public types of the fake SiliconFlow server; re-exported from index.ts. */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakePriceText } from './prices.js';

export type { FakePriceText } from './prices.js';

export type FakeKeyBehavior =
  | 'ok' // valid; serves every endpoint while its money lasts (docs/siliconflow.md, "How the fake bills")
  | 'invalid' // 401 {"code":30014,"message":"Token is invalid.","data":null}
  | 'invalid-string' // 401 with a bare JSON string body: "Invalid token"
  | 'exhausted' // balances 0 unless given; every billable call, free models too → 30001 on `exhaustedStatus`
  | 'gift-only' // paid credit 0 unless given; so "Pro/…" models → 403 30011 until paid credit is added
  | 'rate-limited' // every call → 429 50602 (+ Retry-After only when retryAfterSeconds is set)
  | 'overloaded' // 503 50505 (one model's service)
  | 'busy' // 503 50508 (the whole service)
  | 'server-error' // 500 50507
  | 'ip-blocked' // 503 50603
  | 'reset' // the socket is destroyed without any response
  | 'hang'; // accepts the request and never answers

export const FAKE_KEY_BEHAVIORS: readonly FakeKeyBehavior[] = [
  'ok',
  'invalid',
  'invalid-string',
  'exhausted',
  'gift-only',
  'rate-limited',
  'overloaded',
  'busy',
  'server-error',
  'ip-blocked',
  'reset',
  'hang',
];

export interface FakeKeyState {
  behavior: FakeKeyBehavior;
  /**
   * Gift credit (赠送余额) as user/info shows it, 2 decimals, e.g. "14.00". Kept exactly in n¥ and
   * spent by billable calls; set it with up to 9 decimals, read it rounded to the fen.
   */
  balance: string;
  /** Paid credit (充值余额), e.g. "0.00". */
  chargeBalance: string;
  exhaustedStatus: 402 | 403;
  retryAfterSeconds?: number;
  /** Wait this long before the response headers. */
  delayMs?: number;
  /** Streaming answers (SSE, audio/speech): send 2 chunks then destroy the socket. */
  failMidStream?: boolean;
  /**
   * The SiliconFlow account the key belongs to (user/info's data.id); unset = an account of its own,
   * named after the key. Keys of one account share its limits and its jobs; money stays per key here.
   */
  account?: string;
  // --- Streams (issue 13): how this key's SSE answers (chat, completions, messages) go wrong or go quiet ---
  /**
   * After the 200: `error-first` sends an error event as the first event, `close-first` ends the stream
   * before any event, `error-after-content` sends an error event after two chunks; the stream then ends.
   */
  streamFault?: 'error-first' | 'close-first' | 'error-after-content';
  /** The error event's code (default 50507); its message is the upstream's for that code. */
  streamErrorCode?: number;
  /**
   * The error event's shape outside /v1/messages (which sends Anthropic's `event: error`, with the code
   * added): `openai` (the default) `data: {"error":{code,message,type}}`, `siliconflow` the upstream's
   * own `data: {code,message,data}`.
   */
  streamErrorShape?: 'openai' | 'siliconflow';
  /** A silence of this many ms before the first event and between events (instead of the usual few ms). */
  streamGapMs?: number;
}

/**
 * ok: legacy 200 body; gone: HTTP 410 {"code":20092,...}; not-found: HTTP 404 plain text.
 * user/info was retired upstream in 2026 (see docs/siliconflow.md, "Balances and the retired user/info").
 */
export type UserInfoMode = 'ok' | 'gone' | 'not-found';

export const USER_INFO_MODES: readonly UserInfoMode[] = ['ok', 'gone', 'not-found'];

/** A key's money in n¥ (1 ¥ = 10⁹ n¥), exactly: what is left, and what billable calls took from each credit. */
export interface FakeBalances {
  gift: number;
  paid: number;
  total: number;
  spentGift: number;
  spentPaid: number;
  spent: number;
}

/** What one answer cost, in n¥ taken from each credit; a stream's grows as its chunks go out. */
export interface FakeCharge {
  model: string;
  gift: number;
  paid: number;
}

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body bytes exactly as received. */
  body: Buffer;
  /** The Bearer token, or null when the Authorization header is missing or malformed. */
  key: string | null;
  receivedAt: number;
  /** Set when the answer was billed (free models too, at 0). */
  charge?: FakeCharge;
}

export interface FakeSiliconFlow {
  /** e.g. http://127.0.0.1:PORT (no trailing slash, no /v1). */
  url: string;
  port: number;
  /** Creates or merges. Defaults: behavior 'ok', balance "14.00", chargeBalance "0.00", exhaustedStatus 402. */
  setKey(key: string, state?: Partial<FakeKeyState>): void;
  removeKey(key: string): void;
  getKey(key: string): FakeKeyState | undefined;
  /** The truth a ledger is compared with: the key's exact money; undefined for an unknown key. */
  balances(key: string): FakeBalances | undefined;
  /** Adds credit, e.g. `{ paid: "100.00" }` for a top-up. Throws for an unknown key. */
  topUp(key: string, credit: { gift?: string; paid?: string }): void;
  /** Bills `factor` times the table from now on (1.10 = 10 % more); streams already going keep theirs. */
  setOvercharge(factor: number): void;
  /** Prices `model` as given instead of the shipped table (prices.json's format); null restores it. */
  setPrice(model: string, price: FakePriceText | null): void;
  setUserInfoMode(mode: UserInfoMode): void;
  // Limits per account × model (issue 13): see account-limits.ts.
  /**
   * Every key of `account` (fakeAccountId: the key's `account`, or the one named after it) answers
   * 429 50602 "…Details: <detail> limit reached." for `model` ('' = requests naming none) until
   * called again with null. `detail`: RPM, RPH, RPD, TPM, TPD, IPM, IPD, or a whole sentence.
   */
  limitAccount(account: string, model: string, detail: string | null): void;
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Closes the server and destroys open (also hanging) sockets. */
  close(): Promise<void>;
}

export interface StartFakeSiliconFlowOptions {
  /** 0 = random free port (the default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  keys?: Record<string, Partial<FakeKeyState>>;
  /** Default 'ok'. */
  userInfoMode?: UserInfoMode;
  /** Keep every upstream request in `requests` (default true). False for load tests, so memory stays flat. */
  record?: boolean;
  /**
   * A chat, completion or messages answer writes exactly `max_tokens` completion tokens when the
   * request sets it, instead of a short echo (default false). A real model writes up to max_tokens;
   * one that always writes them all is the upper bound SiliconFlow may bill, so the demo's budgets
   * can be spent in a few requests.
   */
  fillMaxTokens?: boolean;
  /** Serve a key that was never set like a default 'ok' key (default false: unknown keys are invalid). Such keys are never debited. */
  acceptAnyKey?: boolean;
  /** Bill this factor times the price table (default 1; 1.10 = 10 % more). */
  overcharge?: number;
  /** Prices that replace the shipped table's, by model. */
  prices?: Record<string, FakePriceText>;
}
