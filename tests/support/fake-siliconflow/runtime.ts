/** The mutable state one running fake shares between its server, its handlers and its controls. */
import type { AccountLimits } from './account-limits.js';
import type { FakeJobs } from './jobs.js';
import type { KeyStore } from './keys.js';
import type { FakeTariff } from './prices.js';
import type { RecordedRequest, UserInfoMode } from './types.js';

export interface FakeRuntime {
  readonly keys: KeyStore;
  /** Accounts that hit their limit for a model (limitAccount): 429 for that model until lifted. */
  readonly accountLimits: AccountLimits;
  /** The prices and overcharge every billable answer is charged by. */
  readonly tariff: FakeTariff;
  readonly requests: RecordedRequest[];
  /** False: `requests` stays empty (load tests). */
  readonly record: boolean;
  /** Answers write exactly `max_tokens` tokens when the request sets it (see StartFakeSiliconFlowOptions). */
  readonly fillMaxTokens: boolean;
  /** Aborted by close(): cancels every pending delay and stream. */
  readonly signal: AbortSignal;
  baseUrl: string;
  userInfoMode: UserInfoMode;
  /** Files, batches and video jobs, each its account's. */
  readonly jobs: FakeJobs;
}
