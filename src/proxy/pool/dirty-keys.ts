import type { PoolKey } from './pool-key.js';

/** What the proxy learned about one key and has not saved yet. The key's state is read from `key` when saving. */
export type UnsavedChange = Readonly<Change>;

type Change = {
  key: PoolKey;
  /** Uses and failures since the last save, which the store adds to its counters. */
  usageDelta: number;
  failureDelta: number;
  /** The last error to store (null clears it); undefined leaves the stored one. */
  lastError: string | null | undefined;
};

/**
 * The keys the proxy changed since the last save: KeyPool records into it on the hot path, PoolSync
 * drains it on its tick. A key changed any number of times between two saves is written once. Keys
 * whose state changed (status, cooling, lacks-paid, last error) come out before keys that only counted
 * uses: a status is what the admin and a restart must see, counters can wait for a later tick.
 */
export class DirtyKeys {
  private readonly changes = new Map<number, Change>();
  /** Ids in `changes` whose state changed, in the order they first did. */
  private readonly stateChanged = new Set<number>();

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

  /** Uses not saved yet: an admin edit reloads the stored count, which lacks them. */
  unsavedUsage(id: number): number {
    return this.changes.get(id)?.usageDelta ?? 0;
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
      change = { key: k, usageDelta: 0, failureDelta: 0, lastError: undefined };
      this.changes.set(k.id, change);
    }
    return change;
  }
}
