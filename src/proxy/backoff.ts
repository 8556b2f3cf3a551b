const WINDOW_MS = 10_000;

/** Why the pool backs off: SiliconFlow blocked this server's IP (50603), or most accounts got 429 at once. */
export type BackoffReason = 'ip-blocked' | 'rate-limited';

/**
 * Pool-wide back-off: when SiliconFlow blocks this server's IP (code 50603), or when most of the pool
 * got 429 within a short window, further requests would only burn keys — so answer 429 for a while.
 */
export class PoolBackoff {
  private until = 0;
  /** When each reason's back-off ends (the alerts tell them apart); `until` is the later of the two. */
  private readonly untilOf: Record<BackoffReason, number> = { 'ip-blocked': 0, 'rate-limited': 0 };
  /** model → account → when its last 429 for that model came. */
  private readonly recent = new Map<string, Map<string, number>>();

  /** ms left in the back-off, or 0. */
  remaining(now = Date.now()): number {
    return Math.max(0, this.until - now);
  }

  /** ms left in the back-off started for `reason`, or 0 (read by the alert engine, not the proxy). */
  remainingOf(reason: BackoffReason, now = Date.now()): number {
    return Math.max(0, this.untilOf[reason] - now);
  }

  trip(durationMs: number, reason: BackoffReason, now = Date.now()): void {
    this.until = Math.max(this.until, now + durationMs);
    this.untilOf[reason] = Math.max(this.untilOf[reason], now + durationMs);
  }

  /**
   * Records a 429 of `account` for `model`; trips when over half of the accounts that could serve
   * (`serving`: the usable keys' accounts) were rate-limited for that same model in the window.
   * SiliconFlow limits per account and model, so one account's 429s on its many keys count once, and
   * an account no longer serving (its keys disabled or deleted since) does not count.
   */
  rateLimited(account: string, model: string, serving: ReadonlyMap<string, unknown>, durationMs: number, now = Date.now()): boolean {
    let accounts = this.recent.get(model);
    if (!accounts) this.recent.set(model, (accounts = new Map<string, number>()));
    accounts.set(account, now);
    this.forgetOld(serving, now);
    const limited = this.recent.get(model)?.size ?? 0;
    if (limited >= 3 && limited > serving.size / 2) {
      this.trip(durationMs, 'rate-limited', now);
      this.recent.clear();
      return true;
    }
    return false;
  }

  /** Drops 429s older than the window, and those of accounts that no longer serve (few models: cheap). */
  private forgetOld(serving: ReadonlyMap<string, unknown>, now: number): void {
    for (const [model, accounts] of this.recent) {
      for (const [a, at] of accounts) if (now - at > WINDOW_MS || !serving.has(a)) accounts.delete(a);
      if (accounts.size === 0) this.recent.delete(model);
    }
  }
}
