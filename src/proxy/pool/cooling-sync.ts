import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redact.js';
import type { AccountCooling } from './account-cooling.js';
import type { CoolingStore } from './cooling-store.js';

/**
 * 429s are rare next to requests (and the pool stops picking an account once it cools), so the ones
 * of the same second are written together, a second after the first, off the hot path; an RPD
 * cool-down lasts until China midnight and must survive a restart, a second of it lost to kill -9 need not.
 */
const TICK_MS = 1000;
/** setTimeout's longest delay is ~24.8 days; a cool-down further off is looked at again daily. */
const LONGEST_WAIT_MS = 24 * 60 * 60_000;

/**
 * Loads the stored cool-downs at start, writes new ones behind, and deletes the rows that are over.
 * One unref'd timer, armed for the next of the two: a second after a new cool-down, or when the first
 * cool-down held ends (the pool itself ignores ended ones; the sweep only tidies memory and rows).
 * Nothing cooling, nothing armed.
 */
export class CoolingSync {
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  private nextAt = Infinity;
  private stopped = false;

  constructor(
    private readonly store: CoolingStore,
    private readonly cooling: AccountCooling,
    private readonly logger: Logger,
  ) {}

  start(now = Date.now()): void {
    this.store.deleteExpired(now);
    this.cooling.load(this.store.all(now), now);
    this.cooling.onCoolDown(() => this.arm(Date.now() + TICK_MS));
    this.arm(this.cooling.nextEnd());
  }

  /** Writes new cool-downs and drops the expired ones, in memory and stored. Never throws. */
  flush(now = Date.now()): void {
    const expired = this.cooling.sweep(now);
    const entries = this.cooling.takeUnsaved().map((e) => ({ ...e, reason: redactSecrets(e.reason) }));
    try {
      this.store.save(entries);
      if (expired) this.store.deleteExpired(now);
    } catch (err) {
      this.logger.error({ err, entries: entries.length }, 'could not save the accounts cooling');
    }
    this.arm(this.cooling.nextEnd());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.nextAt = Infinity;
    this.flush();
  }

  /** One timer, to `at` or to the one armed when that is sooner. */
  private arm(at: number): void {
    if (this.stopped || at >= this.nextAt) return;
    clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = setTimeout(
      () => {
        this.nextAt = Infinity;
        this.flush();
      },
      Math.min(Math.max(0, at - Date.now()), LONGEST_WAIT_MS),
    );
    this.timer.unref();
  }
}
