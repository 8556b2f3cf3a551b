const WINDOW_MS = 10_000;

/**
 * Pool-wide back-off: when SiliconFlow blocks this server's IP (code 50603), or when most of the pool
 * got 429 within a short window, further requests would only burn keys — so answer 429 for a while.
 */
export class PoolBackoff {
  private until = 0;
  private readonly recent = new Map<number, number>();

  /** ms left in the back-off, or 0. */
  remaining(now = Date.now()): number {
    return Math.max(0, this.until - now);
  }

  trip(durationMs: number, now = Date.now()): void {
    this.until = Math.max(this.until, now + durationMs);
  }

  /**
   * Records a 429 for a key; trips when over half of the pool that could serve was rate-limited in the
   * window. Keys no longer `inPool` (disabled or deleted since their 429) do not count.
   */
  rateLimited(keyId: number, poolSize: number, durationMs: number, inPool: (id: number) => boolean, now = Date.now()): boolean {
    this.recent.set(keyId, now);
    for (const [id, at] of this.recent) if (now - at > WINDOW_MS || !inPool(id)) this.recent.delete(id);
    if (this.recent.size >= 3 && this.recent.size > poolSize / 2) {
      this.trip(durationMs, now);
      this.recent.clear();
      return true;
    }
    return false;
  }
}
