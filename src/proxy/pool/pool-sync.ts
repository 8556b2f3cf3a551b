import type { KeyService } from '../../keys/key-service.js';
import type { KeyChange, KeyStore, ProxyKeyUpdate } from '../../keys/key-store.js';
import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redact.js';
import type { KeyPool, PoolListener } from './key-pool.js';

type Pending = { usageDelta: number; failureDelta: number; lastError?: string | null };

/**
 * Small, frequent flushes: with a large pool under round-robin every request touches another key, and
 * one flush of thousands of rows a second stalled the event loop (the 100,000-key p99 doubled).
 */
const FLUSH_INTERVAL_MS = 250;
const ROWS_PER_FLUSH = 500;

/**
 * Keeps the in-memory pool and the database in step, both ways:
 * - admin-side writes (import, edit, delete, checks) reach the pool through the store's `changed` event;
 * - what the proxy learns (statuses, counters, last error) is written back in batches, off the hot path,
 *   and on shutdown.
 */
export class PoolSync {
  private readonly pending = new Map<number, Pending>();
  /** Keys whose status or last error changed: written before keys that only counted a use. */
  private readonly urgent = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onChanged = (ids: number[], kind: KeyChange) => this.reload(ids, kind);
  pool!: KeyPool;

  constructor(
    private readonly store: KeyStore,
    private readonly keys: KeyService,
    private readonly logger: Logger,
  ) {}

  /** The listener the pool reports to. */
  readonly listener: PoolListener = (k, change) => {
    const p = this.pending.get(k.id) ?? { usageDelta: 0, failureDelta: 0 };
    if (change.used) p.usageDelta++;
    if (change.failed) p.failureDelta++;
    if (change.error !== undefined) p.lastError = change.error === null ? null : redactSecrets(change.error);
    if (change.state) this.urgent.add(k.id);
    this.pending.set(k.id, p);
  };

  /** Loads every key into the pool and starts following changes. */
  start(pool: KeyPool): void {
    this.pool = pool;
    for (const row of this.store.all({})) pool.upsert(row, () => this.keys.reveal(row));
    this.store.events.on('changed', this.onChanged);
    this.timer = setInterval(() => {
      pool.releaseCooled();
      this.flush(ROWS_PER_FLUSH);
    }, FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes what the proxy learned (state changes first, then the oldest counters), up to `limit` keys. Never throws. */
  flush(limit = Infinity): void {
    if (this.pending.size === 0) return;
    const updates: ProxyKeyUpdate[] = [];
    const take = (id: number) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      this.urgent.delete(id);
      const k = this.pool.get(id);
      if (p && k)
        updates.push({
          id,
          status: k.status,
          coolingUntil: k.coolingUntil,
          lacksPaid: k.lacksPaid,
          lastUsedAt: k.lastUsedAt || null,
          ...p,
        });
    };
    for (const id of this.urgent) {
      if (updates.length >= limit) break;
      take(id);
    }
    for (const id of this.pending.keys()) {
      if (updates.length >= limit) break;
      take(id);
    }
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
      if (!row) {
        this.pool.remove(id);
        this.pending.delete(id);
        this.urgent.delete(id);
        continue;
      }
      const pendingUsage = this.pending.get(id)?.usageDelta ?? 0;
      this.pool.upsert(row, () => this.keys.reveal(row), { pendingUsage, keepState: kind === 'edit' });
    }
  }
}
