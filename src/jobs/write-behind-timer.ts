/**
 * The timer of a write-behind (request logs, key states, client usage): armed when something starts
 * waiting to be written, firing once `delayMs` later, never keeping the process alive — shutdown
 * writes what is left itself. Nothing waiting, nothing armed: an idle server wakes for none of them.
 */
export class WriteBehindTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly delayMs: number,
    private readonly write: () => void,
  ) {}

  /** Arms the timer unless it is armed already (or stopped); `write` may arm it again for what it left. */
  arm(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.delayMs);
    this.timer.unref();
  }

  /** For good: later arm() calls do nothing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
