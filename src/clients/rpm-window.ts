const MINUTE_MS = 60_000;
const FIRST_CAPACITY = 8;

/**
 * A client key's RPM limit as a sliding minute: the times of the requests admitted in the last 60 s,
 * oldest first, in a ring. A request is admitted while fewer than `limit` were admitted in the last
 * minute — exact, and no burst of twice the limit at a minute's edge as a fixed window allows. The
 * ring grows with what the key actually does (doubling, never past `limit`), so a key limited to
 * 10,000 requests a minute that makes five holds five times, not 10,000 (80 KB each, for every key).
 */
export class RpmWindow {
  private times = new Float64Array(FIRST_CAPACITY);
  private start = 0;
  private size = 0;

  constructor(readonly limit: number) {}

  /** ms until the window has room (0: now). */
  waitMs(now: number): number {
    this.expire(now);
    return this.size < this.limit ? 0 : this.times[this.start]! + MINUTE_MS - now;
  }

  /** An admitted request (after waitMs said 0). */
  take(now: number): void {
    this.expire(now);
    if (this.size === this.limit) this.drop();
    if (this.size === this.times.length) this.grow();
    this.times[(this.start + this.size) % this.times.length] = now;
    this.size++;
  }

  private expire(now: number): void {
    while (this.size > 0 && this.times[this.start]! <= now - MINUTE_MS) this.drop();
  }

  private drop(): void {
    this.start = (this.start + 1) % this.times.length;
    this.size--;
  }

  private grow(): void {
    const next = new Float64Array(Math.min(this.limit, this.times.length * 2));
    for (let i = 0; i < this.size; i++) next[i] = this.times[(this.start + i) % this.times.length]!;
    this.times = next;
    this.start = 0;
  }
}
