import type { KeyStrategy } from '../../config/env.js';
import type { Nano } from '../../ledger/money.js';
import type { HeldKey } from './held-key.js';
import { GROUP, GROUP_NAMES, groupsOf, type GroupName } from './pool-key.js';
import { createSelector, type Position, type Selector } from './selectors.js';

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
      if (strategy) {
        k.groups = 0;
        k.mainAt = -1;
        k.paidAt = -1;
      }
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
    // Out of the old groups first: a group's place on the key (its Position) is shared with the others of its kind.
    for (const name of GROUP_NAMES) if (k.groups & GROUP[name] && !(want & GROUP[name])) this.selectors[name].remove(k);
    for (const name of GROUP_NAMES) if (want & GROUP[name] && !(k.groups & GROUP[name])) this.selectors[name].add(k);
    k.groups = want;
  }

  /** The key's balance, usage or last use changed: the selectors that order by them re-order it. */
  updateOrder(k: HeldKey): void {
    for (const name of GROUP_NAMES) if (k.groups & GROUP[name]) this.selectors[name].update(k);
  }
}

/**
 * A key is in at most one of funded, low and exhausted, and at most one of the paid groups (groupsOf):
 * two fields on the key hold its place in them, instead of a map entry per key and group (two maps
 * of 100,000 entries for a large pool, ~7 MB, and as much again of garbage while they grew).
 */
const MAIN_AT: Position<HeldKey> = { get: (k) => k.mainAt, set: (k, at) => void (k.mainAt = at) };
const PAID_AT: Position<HeldKey> = { get: (k) => k.paidAt, set: (k, at) => void (k.paidAt = at) };
const PAID_GROUPS: readonly GroupName[] = ['paid', 'paidUnknown', 'paidLow'];

function selectorsFor(strategy: KeyStrategy): Record<GroupName, Selector<HeldKey>> {
  const selector = (name: GroupName) => createSelector<HeldKey>(strategy, PAID_GROUPS.includes(name) ? PAID_AT : MAIN_AT);
  return Object.fromEntries(GROUP_NAMES.map((name) => [name, selector(name)])) as Record<GroupName, Selector<HeldKey>>;
}
