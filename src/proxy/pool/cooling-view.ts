import type { KeyCooling } from '../../keys/key-types.js';
import { redactSecrets } from '../../redact.js';
import type { RateLimit } from '../../siliconflow/rate-limits.js';
import { NO_MODEL } from './account-block.js';
import type { AccountCooling, CoolingEntry } from './account-cooling.js';
import { accountOf, type PoolKey } from './pool-key.js';

/** One account cooling for one model, as the admin sees it (GET /admin/api/pool/cooling). */
export type PoolCoolingItem = {
  account: string;
  /** null: requests that name no model (GET /v1/models…). */
  model: string | null;
  until: string;
  limit: RateLimit | null;
  reason: string;
  /** The enabled keys of the account: none of them serves the model until then. */
  keys: number;
};

/**
 * What the admin sees of the accounts cooling: computed from the cooling and the pool's keys on
 * demand (admin pages, a metrics scrape), never on the proxy's path.
 */
export class CoolingView {
  constructor(
    private readonly cooling: Pick<AccountCooling, 'list' | 'ofAccount' | 'coolsAny'>,
    private readonly keys: () => Iterable<PoolKey>,
  ) {}

  list(now = Date.now()): PoolCoolingItem[] {
    const entries = this.cooling.list(now);
    if (entries.length === 0) return [];
    const keysOf = new Map<string, number>();
    for (const k of this.keys()) if (k.enabled) keysOf.set(accountOf(k), (keysOf.get(accountOf(k)) ?? 0) + 1);
    return entries.map((e) => ({
      ...publicEntry(e),
      account: e.account,
      reason: redactSecrets(e.reason),
      keys: keysOf.get(e.account) ?? 0,
    }));
  }

  ofKey(key: Pick<PoolKey, 'id' | 'account'>, now = Date.now()): KeyCooling[] {
    return coolingOfKey(this.cooling, key, now);
  }

  /** Enabled keys whose account cools for at least one model (they still serve the others). */
  coolingKeys(now = Date.now()): number {
    let n = 0;
    for (const k of this.keys()) if (k.enabled && this.cooling.coolsAny(accountOf(k), now)) n++;
    return n;
  }
}

/** The models a key's account cools for now: the key list's `cooling` field (a stored row knows its account). */
export function coolingOfKey(
  cooling: Pick<AccountCooling, 'ofAccount'>,
  key: Pick<PoolKey, 'id' | 'account'>,
  now = Date.now(),
): KeyCooling[] {
  return cooling.ofAccount(accountOf(key), now).map(publicEntry);
}

function publicEntry(e: CoolingEntry): KeyCooling {
  return { model: e.model === NO_MODEL ? null : e.model, until: new Date(e.until).toISOString(), limit: e.limit };
}
