import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redact.js';
import type { AccountCooling } from './account-cooling.js';
import type { CoolingStore } from './cooling-store.js';

/**
 * 429s are rare next to requests (and the pool stops picking an account once it cools), so a tick a
 * second writes what few there were in one small transaction, off the hot path; an RPD cool-down
 * lasts until China midnight and must survive a restart, a second of it lost to kill -9 need not.
 */
const TICK_MS = 1000;

/** Loads the stored cool-downs at start, writes new ones behind, and deletes the rows that are over. */
export class CoolingSync {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: CoolingStore,
    private readonly cooling: AccountCooling,
    private readonly logger: Logger,
  ) {}

  start(now = Date.now()): void {
    this.store.deleteExpired(now);
    this.cooling.load(this.store.all(now), now);
    this.timer = setInterval(() => this.flush(), TICK_MS);
    this.timer.unref();
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
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
