import type { AnchorSource, KeyMoney, Split } from '../../ledger/balance.js';
import type { Nano } from '../../ledger/money.js';
import type { PoolKey } from './pool-key.js';

/**
 * Which anchor: its time and its source. The time alone is not enough — an admin's top-up and a
 * 30011 have landed in the same millisecond. Both null: the key has no anchor.
 */
export type AnchorId = Readonly<{ at: number | null; source: AnchorSource | null }>;

export const anchorIdOf = (m: Readonly<KeyMoney>): AnchorId => ({ at: m.anchorAt, source: m.anchorSource });
export const sameAnchor = (a: AnchorId, b: AnchorId) => a.at === b.at && a.source === b.source;

/**
 * A new anchor the proxy learned from a hard signal (30001, 30011, a Pro/ success), stored before the
 * spend: the key's money at that moment (source `signal`), and the stored anchor it was learned over.
 */
export type LearnedAnchor = Readonly<{ gift: Nano | null; paid: Nano | null; at: number; replaces: AnchorId }>;

/** Spend not saved yet, made against the anchor `against`. */
export type UnsavedSpend = Readonly<{ gift: Nano; paid: Nano; unsplit: Nano; against: AnchorId }>;

/** What the proxy learned about one key and has not saved yet. The key's state is read from `key` when saving. */
export type UnsavedChange = Readonly<Change>;

type Change = {
  key: PoolKey;
  /** Uses and failures since the last save, which the store adds to its counters. */
  usageDelta: number;
  failureDelta: number;
  /** The last error to store (null clears it); undefined leaves the stored one. */
  lastError: string | null | undefined;
  anchor: LearnedAnchor | undefined;
  spend: { gift: Nano; paid: Nano; unsplit: Nano; against: AnchorId } | undefined;
  /** A Pro/ call succeeded while the ledger knew of no paid credit, at this time. */
  paidFoundAt: number | undefined;
};

/**
 * The keys the proxy changed since the last save: KeyPool records into it on the hot path, PoolSync
 * drains it on its tick. A key changed any number of times between two saves is written once. Keys
 * whose state changed (status, cooling, lacks-paid, last error, an anchor) come out before keys that
 * only counted uses and spend: a status is what the admin and a restart must see, counters can wait.
 */
export class DirtyKeys {
  private readonly changes = new Map<number, Change>();
  /** Ids in `changes` whose state changed, in the order they first did. */
  private readonly stateChanged = new Set<number>();
  /** Runs when a change comes while none was waiting: once per write-behind, not per request. */
  onFirst: () => void = () => {};

  /** A use of the key went well. */
  used(k: PoolKey): void {
    this.changeOf(k).usageDelta++;
  }

  /** A use of the key failed: counted, and `reason` becomes its last error. */
  failed(k: PoolKey, reason: string): void {
    const change = this.changeOf(k);
    change.usageDelta++;
    change.failureDelta++;
    change.lastError = reason;
    this.stateChanged.add(k.id);
  }

  /** The key's status, cooling or lacks-paid changed; `lastError` too, unless undefined. */
  changedState(k: PoolKey, lastError?: string | null): void {
    const change = this.changeOf(k);
    if (lastError !== undefined) change.lastError = lastError;
    this.stateChanged.add(k.id);
  }

  /** The key spent this, against its anchor now (`k.money`). */
  spent(k: PoolKey, cost: Nano, split: Split): void {
    const change = this.changeOf(k);
    const spend = (change.spend ??= { gift: 0, paid: 0, unsplit: 0, against: anchorIdOf(k.money) });
    if (split.gift === null || split.paid === null) spend.unsplit += cost;
    else {
      spend.gift += split.gift;
      spend.paid += split.paid;
    }
  }

  /**
   * The key has a new anchor the proxy learned (already in `k.money`): the spend before it is past.
   * `replaced` is the anchor before it; of several learned between two saves, the first's counts.
   */
  anchored(k: PoolKey, replaced: AnchorId): void {
    const change = this.changeOf(k);
    const { anchorGift: gift, anchorPaid: paid, anchorAt: at } = k.money;
    change.anchor = { gift, paid, at: at!, replaces: change.anchor ? change.anchor.replaces : replaced };
    change.spend = undefined;
    this.stateChanged.add(k.id);
  }

  paidFound(k: PoolKey, at: number): void {
    this.changeOf(k).paidFoundAt = at;
    this.stateChanged.add(k.id);
  }

  /** Uses not saved yet: an admin edit reloads the stored count, which lacks them. */
  unsavedUsage(id: number): number {
    return this.changes.get(id)?.usageDelta ?? 0;
  }

  /** The money not saved yet: an anchor learned, or the spend since the stored one. */
  unsavedMoney(id: number): { anchor: LearnedAnchor | undefined; spend: UnsavedSpend | undefined } | undefined {
    const change = this.changes.get(id);
    return change && (change.anchor || change.spend) ? { anchor: change.anchor, spend: change.spend } : undefined;
  }

  /** A newer anchor was stored (the admin's, a check's): what the proxy learned before it is past. */
  forgetMoney(id: number): void {
    const change = this.changes.get(id);
    if (!change) return;
    change.anchor = undefined;
    change.spend = undefined;
  }

  /** The key left the pool (deleted): nothing of it is left to save. */
  forget(id: number): void {
    this.changes.delete(id);
    this.stateChanged.delete(id);
  }

  /** Removes and returns up to `limit` changes: state changes first, then counters, each oldest first. */
  take(limit: number): UnsavedChange[] {
    const taken: UnsavedChange[] = [];
    for (const id of this.stateChanged) {
      if (taken.length >= limit) return taken;
      const change = this.changes.get(id);
      if (change) taken.push(change);
      this.forget(id);
    }
    for (const [id, change] of this.changes) {
      if (taken.length >= limit) break;
      taken.push(change);
      this.forget(id);
    }
    return taken;
  }

  private changeOf(k: PoolKey): Change {
    let change = this.changes.get(k.id);
    if (!change) {
      change = {
        key: k,
        usageDelta: 0,
        failureDelta: 0,
        lastError: undefined,
        anchor: undefined,
        spend: undefined,
        paidFoundAt: undefined,
      };
      this.changes.set(k.id, change);
      if (this.changes.size === 1) this.onFirst();
    }
    return change;
  }
}
