import type { KeyStrategy } from '../../config/env.js';
import { IndexedHeap } from './indexed-heap.js';
import type { PoolKey } from './pool-key.js';
import { WeightedSampler } from './weighted-sampler.js';

/**
 * One set of keys and the strategy's way of choosing among them. Every operation costs O(1) or
 * O(log n) in the set's size, and `pick` skips the (few) keys already tried in this request.
 */
export interface Selector {
  readonly size: number;
  add(k: PoolKey): void;
  remove(k: PoolKey): void;
  /** The key's balance, usage or last use changed. */
  update(k: PoolKey): void;
  pick(tried: ReadonlySet<number>): PoolKey | undefined;
}

export function createSelector(strategy: KeyStrategy): Selector {
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinSelector();
    case 'random':
      return new RandomSelector();
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
class KeyArray {
  readonly items: PoolKey[] = [];
  private readonly index = new Map<number, number>();

  get size(): number {
    return this.items.length;
  }

  add(k: PoolKey): void {
    if (this.index.has(k.id)) return;
    this.index.set(k.id, this.items.length);
    this.items.push(k);
  }

  remove(k: PoolKey): void {
    const i = this.index.get(k.id);
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.index.delete(k.id);
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(last.id, i);
    }
  }
}

class RoundRobinSelector extends KeyArray implements Selector {
  private cursor = 0;

  update(): void {}

  pick(tried: ReadonlySet<number>): PoolKey | undefined {
    const n = this.items.length;
    for (let step = 0; step < n; step++) {
      if (this.cursor >= n) this.cursor = 0;
      const k = this.items[this.cursor++]!;
      if (!tried.has(k.id)) return k;
    }
    return undefined;
  }
}

class RandomSelector extends KeyArray implements Selector {
  update(): void {}

  pick(tried: ReadonlySet<number>): PoolKey | undefined {
    const n = this.items.length;
    for (let probe = 0; probe < 8 && n > 0; probe++) {
      const k = this.items[Math.floor(Math.random() * n)]!;
      if (!tried.has(k.id)) return k;
    }
    return scanFrom(this.items, Math.floor(Math.random() * n), tried);
  }
}

class HeapSelector implements Selector {
  private readonly heap: IndexedHeap<PoolKey>;

  constructor(compare: (a: PoolKey, b: PoolKey) => number) {
    this.heap = new IndexedHeap((a, b) => compare(a, b) < 0);
  }

  get size(): number {
    return this.heap.size;
  }

  add(k: PoolKey): void {
    this.heap.push(k);
  }

  remove(k: PoolKey): void {
    this.heap.remove(k);
  }

  update(k: PoolKey): void {
    this.heap.update(k);
  }

  pick(tried: ReadonlySet<number>): PoolKey | undefined {
    return this.heap.bestExcept(tried);
  }
}

/** Chance proportional to the total balance; a key whose balance is unknown weighs as much as 1 yuan. */
class WeightedSelector implements Selector {
  private readonly sampler = new WeightedSampler();
  private readonly slots: (PoolKey | undefined)[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly free: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  add(k: PoolKey): void {
    if (this.slotOf.has(k.id)) return this.update(k);
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = k;
    this.slotOf.set(k.id, slot);
    this.sampler.set(slot, weightOf(k));
  }

  remove(k: PoolKey): void {
    const slot = this.slotOf.get(k.id);
    if (slot === undefined) return;
    this.sampler.set(slot, 0);
    this.slots[slot] = undefined;
    this.slotOf.delete(k.id);
    this.free.push(slot);
  }

  update(k: PoolKey): void {
    const slot = this.slotOf.get(k.id);
    if (slot !== undefined) this.sampler.set(slot, weightOf(k));
  }

  pick(tried: ReadonlySet<number>): PoolKey | undefined {
    for (let probe = 0; probe < 8; probe++) {
      const k = this.slots[this.sampler.draw()];
      if (k && !tried.has(k.id)) return k;
    }
    return scanFrom(this.slots, 0, tried);
  }
}

const weightOf = (k: PoolKey) => (k.totalBalance === null ? 1 : Math.max(k.totalBalance, 0.01));

/** The fallback when random probes keep hitting tried keys: the first untried key from a position. */
function scanFrom(items: readonly (PoolKey | undefined)[], start: number, tried: ReadonlySet<number>): PoolKey | undefined {
  for (let step = 0; step < items.length; step++) {
    const k = items[(start + step) % items.length];
    if (k && !tried.has(k.id)) return k;
  }
  return undefined;
}
