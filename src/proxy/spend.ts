import type { Split } from '../ledger/balance.js';
import type { RequestLogEntry } from '../logs/request-log-types.js';
import { meterAnswer, meteringOf } from './meter.js';
import type { PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import type { RequestFacts } from './request-body.js';
import type { UsageTap } from './usage-tap.js';

const UNSPLIT: Split = Object.freeze({ gift: null, paid: null });

/**
 * What a served answer used and cost, onto its log row, the key's estimate and the spend metric:
 * the usage the tap saw, metered in the endpoint's unit, priced by the book (a Map lookup and
 * arithmetic — no database: the key's estimate is in the pool and written behind). `paidOnly`: the
 * model needs paid credit (Pro/, or it answered 30011 on another key), which alone pays for it.
 * `client`: the client key's metrics label.
 */
export function chargeAnswer(
  { prices, pool, metrics, localLimits }: Pick<ProxyDeps, 'prices' | 'pool' | 'metrics' | 'localLimits'>,
  key: PoolKey,
  log: RequestLogEntry,
  tap: UsageTap,
  facts: RequestFacts,
  paidOnly: boolean,
  client: string,
): void {
  const usage = tap.usage();
  if (usage) Object.assign(log, usage);
  if (usage) localLimits.noteTokens(key, log.model, usage.totalTokens ?? (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0));
  const cost = prices.costOf(log.model, meterAnswer(meteringOf(log.path), usage, tap, facts));
  log.costNano = cost.nano;
  if (cost.nano === 0) return;
  const split = cost.nano === null ? UNSPLIT : (pool.charge(key, cost.nano, paidOnly || cost.paidOnly) ?? UNSPLIT);
  log.giftNano = split.gift;
  log.paidNano = split.paid;
  if (cost.nano !== null && log.model !== null) metrics.spent(log.model, cost.nano, split, client);
}
