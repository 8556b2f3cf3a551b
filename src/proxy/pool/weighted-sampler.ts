/**
 * Weighted random choice over slots with a Fenwick (binary indexed) tree: set a weight and draw a
 * slot in O(log n). Slots of removed items are reused.
 */
export class WeightedSampler {
  private tree = new Float64Array(16);
  private weights = new Float64Array(16);

  get capacity(): number {
    return this.weights.length;
  }

  get total(): number {
    return this.prefix(this.capacity);
  }

  set(slot: number, weight: number): void {
    if (slot >= this.capacity) this.grow(slot + 1);
    const delta = weight - this.weights[slot]!;
    if (delta === 0) return;
    this.weights[slot] = weight;
    for (let i = slot + 1; i <= this.capacity; i += i & -i) this.tree[i - 1]! += delta;
  }

  /** A slot drawn with probability proportional to its weight; -1 when every weight is 0. */
  draw(random = Math.random()): number {
    const total = this.total;
    if (total <= 0) return -1;
    let target = random * total;
    let pos = 0;
    for (let step = highestPowerOfTwo(this.capacity); step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.capacity && this.tree[next - 1]! <= target) {
        pos = next;
        target -= this.tree[next - 1]!;
      }
    }
    // Rounding can land on a zero-weight slot at the end: walk back to a weighted one.
    let slot = Math.min(pos, this.capacity - 1);
    while (slot > 0 && this.weights[slot] === 0) slot--;
    return this.weights[slot]! > 0 ? slot : -1;
  }

  private prefix(count: number): number {
    let sum = 0;
    for (let i = count; i > 0; i -= i & -i) sum += this.tree[i - 1]!;
    return sum;
  }

  private grow(min: number): void {
    let size = this.capacity;
    while (size < min) size *= 2;
    const weights = new Float64Array(size);
    weights.set(this.weights);
    this.weights = new Float64Array(size);
    this.tree = new Float64Array(size);
    weights.forEach((w, slot) => w && this.set(slot, w));
  }
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}
