/**
 * One gate for every check the server makes — jobs, single checks, imports — so that
 * CHECK_CONCURRENCY and CHECK_INTERVAL_MS bound the whole process, not each job on its own
 * (one IP driving many accounts at once can get the IP blocked: docs/siliconflow.md, "The IP-level block").
 * The limits are read at every acquisition, so a changed setting applies to running jobs too.
 */
export class CheckLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextStartAt = 0;

  constructor(private readonly limits: () => { concurrency: number; intervalMs: number }) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.pace();
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
  }

  private release() {
    this.active--;
    this.drain();
  }

  private drain() {
    while (this.waiting.length > 0 && this.active < this.limits().concurrency) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  /** Spaces out the starts of checks by the interval, across all callers. */
  private pace(): Promise<void> {
    const now = Date.now();
    const wait = Math.max(0, this.nextStartAt - now);
    this.nextStartAt = Math.max(now, this.nextStartAt) + this.limits().intervalMs;
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }
}
