import { yuan } from '../ledger/money.js';
import type { KeyStore } from '../keys/key-store.js';
import type { RequestLogStore } from '../logs/request-log-store.js';
import { PUBLIC_STATUSES, type PublicStatus } from '../keys/key-types.js';
import type { SpendService } from './spend-service.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Pool figures for the admin dashboard and the user page. */
export class StatsService {
  constructor(
    private readonly store: KeyStore,
    private readonly requestLogs: RequestLogStore,
    private readonly spend: Pick<SpendService, 'pool'>,
    /** Enabled keys whose account cools for some model (CoolingView.coolingKeys): shown beside the statuses. */
    private readonly coolingKeys: () => number = () => 0,
  ) {}

  pool() {
    const byStatus = Object.fromEntries(PUBLIC_STATUSES.map((s) => [s, 0])) as Record<PublicStatus, number>;
    for (const { status, count } of this.store.countsByStatus()) byStatus[status] = count;
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    const b = this.store.balanceTotals();
    // With no balance known at all the sums are unknown (null), never ¥0.00: SiliconFlow retired user/info.
    const sum = (n: number) => (b.known > 0 ? yuan(n) : null);
    return {
      // `cooling`: keys whose account SiliconFlow rate-limited for at least one model; they are counted
      // in their status too (usually active), since they keep serving the other models.
      keys: { total, byStatus, cooling: this.coolingKeys() },
      // Sums over the keys whose balance is known; `unknownBalanceKeys` counts the rest (retired endpoint).
      // `usable` is the part on enabled, active keys: what the pool can actually spend.
      balance: {
        gift: sum(b.gift),
        charge: sum(b.charge),
        total: sum(b.total),
        usable: sum(b.usable),
        knownBalanceKeys: b.known,
        unknownBalanceKeys: b.unknown,
      },
      // The ledger's estimate over the enabled, valid keys, each figure with its kind, and how long it lasts.
      money: this.spend.pool(),
      // /v1 traffic over the last 24 hours (the log is written in batches: up to a second behind).
      requests: { last24h: this.requestLogs.summary(Date.now() - DAY_MS) },
    };
  }
}
