import { WriteBehindTimer } from '../jobs/write-behind-timer.js';
import type { Logger } from '../logger.js';
import type { ClientRegistry } from './client-registry.js';
import { usageSnapshot } from './client-state.js';
import type { ClientStore } from './client-store.js';

/**
 * How often the counters the proxy keeps in memory are written: the most spend a `kill -9` can
 * lose (a graceful stop writes everything). Only clients that served a request since the last
 * write are written — a handful of rows a second, whatever the traffic.
 */
export const CLIENT_FLUSH_INTERVAL_MS = 1000;

/**
 * Loads every live client into the registry, then writes their usage behind: CLIENT_FLUSH_INTERVAL_MS
 * after the first change that finds nothing waiting, and at shutdown. No change, no timer.
 */
export class ClientSync {
  private readonly timer = new WriteBehindTimer(CLIENT_FLUSH_INTERVAL_MS, () => this.flush());

  constructor(
    private readonly store: ClientStore,
    private readonly registry: ClientRegistry,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const { record, hash } of this.store.all()) if (record.deletedAt === null) this.registry.upsert(record, hash);
    this.registry.onFirstChange(() => this.timer.arm());
  }

  /** Never throws: a failed write is logged, and those clients are written again at their next request. */
  flush(): void {
    const dirty = this.registry.takeDirty();
    if (dirty.length === 0) return;
    try {
      this.store.writeUsage(dirty.map((c) => ({ id: c.id, usage: usageSnapshot(c.usage) })));
    } catch (err) {
      this.logger.error({ err, clients: dirty.length }, 'could not save client key usage');
    }
  }

  stop(): void {
    this.timer.stop();
    this.flush();
  }
}
