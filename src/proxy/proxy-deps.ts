import type { ClientGate } from '../clients/client-gate.js';
import type { ProxyLimits } from '../config/env.js';
import type { RequestLogEntry } from '../logs/request-log-types.js';
import type { Split } from '../ledger/balance.js';
import type { Nano } from '../ledger/money.js';
import type { PriceBook } from '../ledger/price-book.js';
import type { Logger } from '../logger.js';
import type { RuntimeSettings } from '../settings/settings-service.js';
import type { PoolBackoff } from './backoff.js';
import type { CorsPolicy } from './cors.js';
import type { AccountCooling } from './pool/account-cooling.js';
import type { JobAffinity } from './job-affinity.js';
import type { Heartbeats } from './heartbeat.js';
import type { KeyPool } from './pool/key-pool.js';
import type { LocalLimits } from './pool/local-limits.js';
import type { UpstreamClient } from './upstream-client.js';

/** What the /v1 proxy needs, and nothing else: no req/res-free service sees more. */
export type ProxyDeps = {
  /** Client keys (the admin's own included): who may call, with what, and what they used. */
  clients: Pick<ClientGate, 'find' | 'checkKey' | 'admit' | 'finished' | 'modelFilter'>;
  settings(): Readonly<RuntimeSettings>;
  limits: ProxyLimits;
  pool: KeyPool;
  /** The admin's local budgets per account and model (ACCOUNT_LIMITS): told of each use it counts. */
  localLimits: Pick<LocalLimits, 'noteUse' | 'noteTokens'>;
  /** Accounts cooling per model after SiliconFlow's 429 (also one of the pool's blocks). */
  cooling: Pick<AccountCooling, 'coolDown'>;
  backoff: PoolBackoff;
  cors: CorsPolicy;
  upstream: UpstreamClient;
  logs: { write(entry: RequestLogEntry): void };
  /** The prices in force: what each served answer cost. */
  prices: Pick<PriceBook, 'costOf'>;
  metrics: {
    /** `client`: the client key's id ("default" for the admin's key, "none" when no key was accepted). */
    requestFinished(status: number, client: string): void;
    attempt(outcome: string, latencyMs: number | null): void;
    spent(model: string, cost: Nano, split: Split, client: string): void;
  };
  logger: Logger;
  /** Files, batches and video jobs: which key made each, so later calls about one use it. */
  jobs: Pick<JobAffinity, 'route' | 'answered'>;
  /** The shared sweep that keeps silent SSE streams alive (HEARTBEAT_MS). */
  heartbeats: Pick<Heartbeats, 'add' | 'remove'>;
};
