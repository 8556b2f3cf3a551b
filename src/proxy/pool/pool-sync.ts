import type { KeyService } from '../../keys/key-service.js';
import type { KeyChange, KeyStore, ProxyKeyUpdate } from '../../keys/key-store.js';
import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redact.js';
import type { UnsavedChange } from './dirty-keys.js';
import type { KeyPool } from './key-pool.js';

/**
 * Small, frequent flushes: with a large pool under round-robin every request touches another key, and
 * one flush of thousands of rows a second stalled the event loop (the 100,000-key p99 doubled).
 */
const FLUSH_INTERVAL_MS = 250;
const ROWS_PER_FLUSH = 500;

/**
 * Keeps the in-memory pool and the database in step, both ways:
 * - admin-side writes (import, edit, delete, checks) reach the pool through the store's `changed` event;
 * - what the proxy learns (statuses, counters, last error) is drained from the pool's dirty set and
 *   written in batches, off the hot path, and on shutdown.
 */
export class PoolSync {
  private timer: NodeJS.Timeout | undefined;
  private readonly onChanged = (ids: number[], kind: KeyChange) => this.reload(ids, kind);

  constructor(
    private readonly store: KeyStore,
    private readonly keys: KeyService,
    private readonly pool: KeyPool,
    private readonly logger: Logger,
  ) {}

  /** Loads every key into the pool and starts following changes. */
  start(): void {
    for (const row of this.store.all({})) this.pool.upsert(row, () => this.keys.reveal(row));
    this.store.events.on('changed', this.onChanged);
    this.timer = setInterval(() => this.flush(ROWS_PER_FLUSH), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes what the proxy learned (state changes first, then the oldest counters), up to `limit` keys. Never throws. */
  flush(limit = Infinity): void {
    const changes = this.pool.takeChanges(limit);
    if (changes.length === 0) return;
    const updates = changes.map(toUpdate);
    try {
      this.store.applyProxyUpdates(updates);
    } catch (err) {
      this.logger.error({ err, keys: updates.length }, 'could not save key states learned by the proxy');
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.store.events.off('changed', this.onChanged);
    this.flush();
  }

  private reload(ids: number[], kind: KeyChange): void {
    for (const id of ids) {
      const row = this.store.get(id);
      if (row) this.pool.upsert(row, () => this.keys.reveal(row), { keepState: kind === 'edit' });
      else this.pool.remove(id);
    }
  }
}

/**
 * A key's row as the proxy leaves it: its state now, counters and spend to add, a learned anchor,
 * and a last error that names no secret.
 */
function toUpdate({ key, usageDelta, failureDelta, lastError, anchor, spend, paidFoundAt }: UnsavedChange): ProxyKeyUpdate {
  return {
    id: key.id,
    status: key.status,
    lacksPaidAt: key.lacksPaidAt,
    lastUsedAt: key.lastUsedAt || null,
    usageDelta,
    failureDelta,
    lastError: typeof lastError === 'string' ? redactSecrets(lastError) : lastError,
    paidFoundAt,
    anchor: anchor && { gift: anchor.gift, paid: anchor.paid, at: anchor.at, replaces: { ...anchor.replaces } },
    spend: spend && { ...spend, against: { ...spend.against } },
  };
}
