import type { ProxyLimits } from '../config/env.js';
import type { RequestLogEntry } from '../logs/request-log-types.js';
import type { Split } from '../ledger/balance.js';
import type { Nano } from '../ledger/money.js';
import type { PriceBook } from '../ledger/price-book.js';
import type { Logger } from '../logger.js';
import type { RuntimeSettings } from '../settings/settings-service.js';
import type { PoolBackoff } from './backoff.js';
import type { CorsPolicy } from './cors.js';
import type { KeyPool } from './pool/key-pool.js';
import type { UpstreamClient } from './upstream-client.js';

/** What the /v1 proxy needs, and nothing else: no req/res-free service sees more. */
export type ProxyDeps = {
  isAccessKey(token: string): boolean;
  settings(): Readonly<RuntimeSettings>;
  limits: ProxyLimits;
  pool: KeyPool;
  backoff: PoolBackoff;
  cors: CorsPolicy;
  upstream: UpstreamClient;
  logs: { write(entry: RequestLogEntry): void };
  /** The prices in force: what each served answer cost. */
  prices: Pick<PriceBook, 'costOf'>;
  metrics: {
    requestFinished(status: number): void;
    attempt(outcome: string, latencyMs: number | null): void;
    spent(model: string, cost: Nano, split: Split): void;
  };
  logger: Logger;
};
