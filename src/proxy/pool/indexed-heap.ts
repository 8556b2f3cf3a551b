/**
 * A binary heap that knows where each item sits, so any item can be removed or re-ordered in
 * O(log n). `before(a, b)` is true when a should come out first.
 */
export class IndexedHeap<T extends { readonly id: number }> {
  private readonly items: T[] = [];
  private readonly position = new Map<number, number>();

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.position.has(item.id);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (this.has(item)) return this.update(item);
    this.items.push(item);
    this.position.set(item.id, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(item: T): void {
    const i = this.position.get(item.id);
    if (i === undefined) return;
    const last = this.items.pop()!;
    this.position.delete(item.id);
    if (i < this.items.length) {
      this.items[i] = last;
      this.position.set(last.id, i);
      this.down(this.up(i));
    }
  }

  /** Call after the item's ordering fields changed. */
  update(item: T): void {
    const i = this.position.get(item.id);
    if (i !== undefined) this.down(this.up(i));
  }

  /**
   * The best item whose id is not in `skip`, by a best-first walk from the root that only opens the
   * children of skipped items: O(k log k) for k skipped, whatever the heap's size.
   */
  bestExcept(skip: { has(id: number): boolean }): T | undefined {
    const frontier: number[] = this.items.length ? [0] : [];
    while (frontier.length) {
      let best = 0;
      for (let j = 1; j < frontier.length; j++) {
        if (this.before(this.items[frontier[j]!]!, this.items[frontier[best]!]!)) best = j;
      }
      const i = frontier.splice(best, 1)[0]!;
      const item = this.items[i]!;
      if (!skip.has(item.id)) return item;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < this.items.length) frontier.push(child);
    }
    return undefined;
  }

  private up(i: number): number {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.items.length && this.before(this.items[l]!, this.items[best]!)) best = l;
      if (r < this.items.length && this.before(this.items[r]!, this.items[best]!)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    const y = this.items[b]!;
    this.items[a] = y;
    this.items[b] = x;
    this.position.set(y.id, a);
    this.position.set(x.id, b);
  }
}
