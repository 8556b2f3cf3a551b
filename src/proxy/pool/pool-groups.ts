import type { KeyStrategy } from '../../config/env.js';
import type { Nano } from '../../ledger/money.js';
import { GROUP, GROUP_NAMES, groupsOf, type GroupName, type HeldKey } from './pool-key.js';
import { createSelector, type Selector } from './selectors.js';

export type PickRequest = {
  /** Pro/ models, or a request that already met 30011: keys with paid credit first. */
  needsPaid: boolean;
  /** A model exhausted keys may serve (FREE_MODELS): those are tried first. */
  free: boolean;
  /** Keys already tried in this request (or otherwise passed over: the pool's account blocks). */
  tried: Skip;
  /** The model asked for, when the body named one: the accounts blocked for it are passed over. */
  model?: string | null;
  /**
   * Filled by the pool when it passed over blocked accounts: when the earliest of them comes back
   * (ms since epoch; it only moves earlier). A request that found no key answers "retry then".
   */
  blocked?: { until: number };
};

/** Which keys a pick passes over, by id: a Set of the tried ones, or a view that adds the blocked accounts. */
export type Skip = { has(id: number): boolean };

/**
 * The groups of keys the pool picks from, one selector each, and the order a request tries them in.
 * A key moves between groups only when its state or its estimate crosses MIN_BALANCE.
 */
export class PoolGroups {
  private selectors: Record<GroupName, Selector<HeldKey>>;
  /** MIN_BALANCE in nano-yuan: keys estimated at or below it are tried last. */
  minBalance: Nano = 0;
  /** Counts the moves between groups, so a view over them (KeyPool.servingAccounts) knows when it is stale. */
  version = 0;

  constructor(strategy: KeyStrategy) {
    this.selectors = selectorsFor(strategy);
  }

  /** Keys that serve any model (funded or low), and exhausted ones. */
  get usable(): number {
    return this.selectors.funded.size + this.selectors.low.size;
  }

  get exhausted(): number {
    return this.selectors.exhausted.size;
  }

  /** New selectors for another strategy, or every key re-placed for another MIN_BALANCE. */
  rebuild(keys: Iterable<HeldKey>, strategy?: KeyStrategy): void {
    if (strategy) this.selectors = selectorsFor(strategy);
    for (const k of keys) {
      if (strategy) k.groups = 0;
      this.place(k);
    }
  }

  /**
   * Pro/: known paid credit, then unknown, then low (or due for a recheck). Free models: exhausted
   * keys first, then the rest as for paid models. Paid models: funded keys, then low ones. `tried`
   * is what to pass over: the request's tried keys, or the pool's view that adds the blocked accounts.
   */
  pick({ needsPaid, free }: PickRequest, tried: Skip): HeldKey | undefined {
    const s = this.selectors;
    if (needsPaid) return s.paid.pick(tried) ?? s.paidUnknown.pick(tried) ?? s.paidLow.pick(tried);
    return (free ? s.exhausted.pick(tried) : undefined) ?? s.funded.pick(tried) ?? s.low.pick(tried);
  }

  /** Moves a key into exactly the groups its state puts it in. */
  place(k: HeldKey): void {
    const want = groupsOf(k, this.minBalance);
    if (want === k.groups) return;
    this.version++;
    for (const name of GROUP_NAMES) {
      const bit = GROUP[name];
      if (want & bit && !(k.groups & bit)) this.selectors[name].add(k);
      else if (!(want & bit) && k.groups & bit) this.selectors[name].remove(k);
    }
    k.groups = want;
  }

  /** The key's balance, usage or last use changed: the selectors that order by them re-order it. */
  updateOrder(k: HeldKey): void {
    for (const name of GROUP_NAMES) if (k.groups & GROUP[name]) this.selectors[name].update(k);
  }
}

function selectorsFor(strategy: KeyStrategy): Record<GroupName, Selector<HeldKey>> {
  return Object.fromEntries(GROUP_NAMES.map((name) => [name, createSelector<HeldKey>(strategy)])) as Record<GroupName, Selector<HeldKey>>;
}
