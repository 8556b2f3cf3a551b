import { NANO_PER_YUAN } from '../../ledger/money.js';
import type { KeyStrategy } from '../../config/env.js';
import { IndexedHeap } from './indexed-heap.js';
import type { Skip } from './pool-groups.js';
import type { PoolKey } from './pool-key.js';
import { WeightedSampler } from './weighted-sampler.js';

/**
 * One set of keys and the strategy's way of choosing among them. Every operation costs O(1) or
 * O(log n) in the set's size, and `pick` skips the (few) keys already tried in this request.
 * Selectors only read keys; `K` is whatever handle on them the caller holds (KeyPool's writable one).
 */
export interface Selector<K extends PoolKey> {
  readonly size: number;
  add(k: K): void;
  remove(k: K): void;
  /** The key's balance, usage or last use changed. */
  update(k: K): void;
  pick(tried: Skip): K | undefined;
}

/**
 * Where a set of keys in an array keeps each key's place in it (-1: not in it): a field of the key
 * itself (KeyPool's keys, see PoolGroups), or by default a map of the set's own.
 */
export type Position<K> = { get(k: K): number; set(k: K, at: number): void };

function mapPosition<K extends PoolKey>(): Position<K> {
  const at = new Map<number, number>();
  return {
    get: (k) => at.get(k.id) ?? -1,
    set: (k, i) => void (i < 0 ? at.delete(k.id) : at.set(k.id, i)),
  };
}

export function createSelector<K extends PoolKey>(strategy: KeyStrategy, position: Position<K> = mapPosition()): Selector<K> {
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinSelector(position);
    case 'random':
      return new RandomSelector(position);
    case 'balance-weighted':
      return new WeightedSelector();
    case 'highest-balance':
      return new HeapSelector((a, b) => byBalance(a, b, -1));
    case 'lowest-balance':
      return new HeapSelector((a, b) => byBalance(a, b, 1));
    case 'least-used':
      return new HeapSelector((a, b) => a.usageCount - b.usageCount || a.lastUsedAt - b.lastUsedAt || a.id - b.id);
  }
}

/** Known balances first (ascending or descending), unknown ones after; ties go to the key used longest ago. */
function byBalance(a: PoolKey, b: PoolKey, direction: 1 | -1): number {
  if (a.totalBalance !== null && b.totalBalance !== null && a.totalBalance !== b.totalBalance) {
    return direction * (a.totalBalance - b.totalBalance);
  }
  if ((a.totalBalance === null) !== (b.totalBalance === null)) return a.totalBalance === null ? 1 : -1;
  return a.lastUsedAt - b.lastUsedAt || a.id - b.id;
}

/** Keys in an array with O(1) add and remove (swap with the last). */
class KeyArray<K extends PoolKey> {
  protected readonly items: K[] = [];

  constructor(private readonly position: Position<K>) {}

  get size(): number {
    return this.items.length;
  }

  add(k: K): void {
    if (this.position.get(k) >= 0) return;
    this.position.set(k, this.items.length);
    this.items.push(k);
  }

  remove(k: K): void {
    const i = this.position.get(k);
    if (i < 0) return;
    const last = this.items.pop()!;
    this.position.set(k, -1);
    if (i < this.items.length) {
      this.items[i] = last;
      this.position.set(last, i);
    }
  }
}

class RoundRobinSelector<K extends PoolKey> extends KeyArray<K> implements Selector<K> {
  private cursor = 0;

  update(): void {}

  pick(tried: Skip): K | undefined {
    const n = this.items.length;
    for (let step = 0; step < n; step++) {
      if (this.cursor >= n) this.cursor = 0;
      const k = this.items[this.cursor++]!;
      if (!tried.has(k.id)) return k;
    }
    return undefined;
  }
}

class RandomSelector<K extends PoolKey> extends KeyArray<K> implements Selector<K> {
  update(): void {}

  pick(tried: Skip): K | undefined {
    const n = this.items.length;
    for (let probe = 0; probe < 8 && n > 0; probe++) {
      const k = this.items[Math.floor(Math.random() * n)]!;
      if (!tried.has(k.id)) return k;
    }
    return scanFrom(this.items, Math.floor(Math.random() * n), tried);
  }
}

class HeapSelector<K extends PoolKey> implements Selector<K> {
  private readonly heap: IndexedHeap<K>;

  constructor(compare: (a: K, b: K) => number) {
    this.heap = new IndexedHeap((a, b) => compare(a, b) < 0);
  }

  get size(): number {
    return this.heap.size;
  }

  add(k: K): void {
    this.heap.push(k);
  }

  remove(k: K): void {
    this.heap.remove(k);
  }

  update(k: K): void {
    this.heap.update(k);
  }

  pick(tried: Skip): K | undefined {
    return this.heap.bestExcept(tried);
  }
}

/** Chance proportional to the total balance; a key whose balance is unknown weighs as much as 1 yuan. */
class WeightedSelector<K extends PoolKey> implements Selector<K> {
  private readonly sampler = new WeightedSampler();
  private readonly slots: (K | undefined)[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly free: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  add(k: K): void {
    if (this.slotOf.has(k.id)) return this.update(k);
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = k;
    this.slotOf.set(k.id, slot);
    this.sampler.set(slot, weightOf(k));
  }

  remove(k: K): void {
    const slot = this.slotOf.get(k.id);
    if (slot === undefined) return;
    this.sampler.set(slot, 0);
    this.slots[slot] = undefined;
    this.slotOf.delete(k.id);
    this.free.push(slot);
  }

  update(k: K): void {
    const slot = this.slotOf.get(k.id);
    if (slot !== undefined) this.sampler.set(slot, weightOf(k));
  }

  pick(tried: Skip): K | undefined {
    for (let probe = 0; probe < 8; probe++) {
      const k = this.slots[this.sampler.draw()];
      if (k && !tried.has(k.id)) return k;
    }
    return scanFrom(this.slots, 0, tried);
  }
}

/** A key's weight is its total in nano-yuan (at least a fen); an unknown balance weighs as ¥1. */
const weightOf = (k: PoolKey) => (k.totalBalance === null ? NANO_PER_YUAN : Math.max(k.totalBalance, NANO_PER_YUAN / 100));

/** The fallback when random probes keep hitting tried keys: the first untried key from a position. */
function scanFrom<K extends PoolKey>(items: readonly (K | undefined)[], start: number, tried: Skip): K | undefined {
  for (let step = 0; step < items.length; step++) {
    const k = items[(start + step) % items.length];
    if (k && !tried.has(k.id)) return k;
  }
  return undefined;
}
