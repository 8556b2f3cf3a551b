import type { KeyStrategy } from '../../config/env.js';
import { moneyOfRow, type KeyRow, type KeyStatus, type PublicStatus } from '../../keys/key-types.js';
import { balanceOf } from '../../ledger/balance.js';
import { DirtyKeys, type UnsavedChange } from './dirty-keys.js';
import { IndexedHeap } from './indexed-heap.js';
import { GROUP, groupsOf, type HeldKey, type PoolKey } from './pool-key.js';
import { createSelector, type Selector } from './selectors.js';

export type PickRequest = {
  /** Pro/ models, or a request that already met 30011: keys with paid credit first. */
  needsPaid: boolean;
  /** A model exhausted keys may serve (FREE_MODELS): those are tried first. */
  free: boolean;
  /** Keys already tried in this request. */
  tried: ReadonlySet<number>;
};

type Selectors = Record<keyof typeof GROUP, Selector<HeldKey>>;

/**
 * The keys the proxy chooses from, in memory. Picking never touches the database and costs the same
 * with 10 keys as with 100,000: each group of keys has its own selector, and a key moves between
 * groups only when its state changes. What the proxy learns about a key is noted in a dirty set that
 * PoolSync drains (takeChanges) to write it behind, off the hot path.
 */
export class KeyPool {
  private readonly keys = new Map<number, HeldKey>();
  private readonly cooling = new IndexedHeap<HeldKey>((a, b) => a.coolingUntil! < b.coolingUntil!);
  private readonly dirty = new DirtyKeys();
  private selectors: Selectors;

  constructor(strategy: KeyStrategy) {
    this.selectors = selectorsFor(strategy);
  }

  get size(): number {
    return this.keys.size;
  }

  get(id: number): PoolKey | undefined {
    return this.keys.get(id);
  }

  /** Rebuilds the selectors for another strategy (a runtime setting). */
  useStrategy(strategy: KeyStrategy): void {
    this.selectors = selectorsFor(strategy);
    for (const k of this.keys.values()) {
      k.groups = 0;
      this.place(k);
    }
  }

  /**
   * Adds or refreshes a key from its database row (the secret is decrypted by the caller, once). The
   * uses the proxy counted but has not written yet are added to the stored count. `keepState`: the
   * row comes from an admin edit, so the status the proxy learned (and may not have written yet)
   * stays; a check's fresh verdict replaces it.
   */
  upsert(row: KeyRow, secret: () => string, options: { keepState?: boolean } = {}): void {
    const stored = storedFacts(row, this.dirty.unsavedUsage(row.id));
    let k = this.keys.get(row.id);
    if (k) {
      Object.assign(k, stored, options.keepState ? {} : storedState(row));
    } else {
      k = { id: row.id, secret: secret(), ...storedState(row), ...stored, consecutiveFailures: 0, groups: 0 };
      this.keys.set(k.id, k);
    }
    this.trackCooling(k);
    this.place(k);
    this.updateOrder(k);
  }

  /** Takes a deleted key out, with what the proxy learned about it and had not written yet. */
  remove(id: number): void {
    this.dirty.forget(id);
    const k = this.keys.get(id);
    if (!k) return;
    k.enabled = false;
    this.place(k);
    this.cooling.remove(k);
    this.keys.delete(id);
  }

  /**
   * Removes and returns up to `limit` keys' unsaved changes, keys whose state changed first; each
   * key comes out once, however often it changed. What is taken is the caller's to write.
   */
  takeChanges(limit = Infinity): UnsavedChange[] {
    return this.dirty.take(limit);
  }

  pick(request: PickRequest, now = Date.now()): PoolKey | undefined {
    this.releaseCooled(now);
    const { usable, paid, paidUnknown, exhausted } = this.selectors;
    const k = request.needsPaid
      ? (paid.pick(request.tried) ?? paidUnknown.pick(request.tried))
      : request.free
        ? (exhausted.pick(request.tried) ?? usable.pick(request.tried))
        : usable.pick(request.tried);
    if (k) {
      k.lastUsedAt = now;
      k.usageCount++;
      this.updateOrder(k);
    }
    return k;
  }

  /** When the earliest cooling key comes back, or null when none is cooling. */
  nextCoolingEnd(): number | null {
    return this.cooling.peek()?.coolingUntil ?? null;
  }

  /** Keys that could serve a request now (usable or exhausted), and those cooling. */
  availability(): { usable: number; exhausted: number; cooling: number } {
    return { usable: this.selectors.usable.size, exhausted: this.selectors.exhausted.size, cooling: this.cooling.size };
  }

  counts(): Record<PublicStatus, number> {
    const counts: Record<PublicStatus, number> = { active: 0, exhausted: 0, invalid: 0, cooling: 0, error: 0, disabled: 0 };
    for (const k of this.keys.values()) counts[k.enabled ? k.status : 'disabled']++;
    return counts;
  }

  // --- what the upstream said about a key (one the pool handed out; ignored once it has left) ---

  succeeded(key: PoolKey): void {
    const k = this.held(key);
    if (!k) return;
    k.consecutiveFailures = 0;
    this.dirty.used(k);
    if (k.status !== 'error') return;
    // Recovered: the trouble is over, and so is its last error.
    this.setStatus(k, 'active');
    this.dirty.changedState(k, null);
  }

  markInvalid(key: PoolKey, reason: string): void {
    const k = this.held(key);
    if (!k) return;
    this.setStatus(k, 'invalid');
    this.dirty.failed(k, reason);
  }

  markExhausted(key: PoolKey, reason: string): void {
    const k = this.held(key);
    if (!k) return;
    this.setStatus(k, 'exhausted');
    this.dirty.failed(k, reason);
  }

  markLacksPaid(key: PoolKey, reason: string): void {
    const k = this.held(key);
    if (!k) return;
    k.lacksPaid = true;
    this.place(k);
    this.dirty.failed(k, reason);
  }

  coolDown(key: PoolKey, until: number, reason: string): void {
    const k = this.held(key);
    if (!k) return;
    k.coolingUntil = until;
    this.setStatus(k, 'cooling');
    this.trackCooling(k);
    this.dirty.failed(k, reason);
  }

  /** Upstream trouble: not the key's fault, but after `errorAfter` in a row the key is shown as `error`. */
  troubled(key: PoolKey, reason: string, errorAfter: number): void {
    const k = this.held(key);
    if (!k) return;
    k.consecutiveFailures++;
    k.failureCount++;
    if (k.consecutiveFailures >= errorAfter && k.status === 'active') this.setStatus(k, 'error');
    this.dirty.failed(k, reason);
  }

  /**
   * The pool's writable handle on a key it handed out. A request may still hold a key deleted since
   * (or whose id a new key took): what it learns then is about no key in the pool.
   */
  private held(key: PoolKey): HeldKey | undefined {
    const k = this.keys.get(key.id);
    return k === key ? k : undefined;
  }

  private setStatus(k: HeldKey, status: KeyStatus): void {
    k.status = status;
    if (status !== 'cooling') {
      k.coolingUntil = null;
      this.cooling.remove(k);
    }
    this.place(k);
  }

  /** Brings back keys whose cooling time is over (also on every PoolSync tick, so the admin sees it). */
  releaseCooled(now = Date.now()): void {
    for (let top = this.cooling.peek(); top && top.coolingUntil! <= now; top = this.cooling.peek()) {
      this.setStatus(top, 'active');
      this.dirty.changedState(top);
    }
  }

  /**
   * Only an enabled key is waited for: a key disabled (or deleted, which disables it first) while
   * cooling, or whose 429 arrived after that, would otherwise make the proxy answer "retry in N s"
   * for a key that never serves again. Re-enabled while its cooling time lasts, it counts again.
   */
  private trackCooling(k: HeldKey): void {
    if (k.enabled && k.coolingUntil !== null) this.cooling.push(k);
    else this.cooling.remove(k);
  }

  /** Moves a key into exactly the groups its state puts it in. */
  private place(k: HeldKey): void {
    const want = groupsOf(k);
    if (want === k.groups) return;
    for (const [name, bit] of Object.entries(GROUP) as [keyof typeof GROUP, number][]) {
      if (want & bit && !(k.groups & bit)) this.selectors[name].add(k);
      else if (!(want & bit) && k.groups & bit) this.selectors[name].remove(k);
    }
    k.groups = want;
  }

  private updateOrder(k: HeldKey): void {
    if (k.groups & GROUP.usable) this.selectors.usable.update(k);
    if (k.groups & GROUP.paid) this.selectors.paid.update(k);
    if (k.groups & GROUP.paidUnknown) this.selectors.paidUnknown.update(k);
    if (k.groups & GROUP.exhausted) this.selectors.exhausted.update(k);
  }
}

function selectorsFor(strategy: KeyStrategy): Selectors {
  return {
    usable: createSelector(strategy),
    paid: createSelector(strategy),
    paidUnknown: createSelector(strategy),
    exhausted: createSelector(strategy),
  };
}

/** What every reload takes from the stored row: the admin's and the checks' fields, and the counters. */
function storedFacts(row: KeyRow, unsavedUsage: number) {
  const balance = balanceOf(moneyOfRow(row));
  return {
    enabled: row.enabled === 1,
    chargeBalance: balance.paid,
    totalBalance: balance.total,
    usageCount: row.usage_count + unsavedUsage,
    failureCount: row.failure_count,
    lastUsedAt: row.last_used_at ?? 0,
  };
}

/** The key's state as stored. The proxy learns it too, and may not have written what it learned yet. */
function storedState(row: KeyRow) {
  return {
    status: row.status,
    coolingUntil: row.status === 'cooling' ? (row.cooling_until ?? 0) : null,
    lacksPaid: row.lacks_paid === 1,
  };
}
