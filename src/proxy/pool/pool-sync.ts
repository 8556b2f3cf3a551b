import type { KeyService } from '../../keys/key-service.js';
import type { KeyChange, KeyStore, ProxyKeyUpdate } from '../../keys/key-store.js';
import type { PoolRow } from '../../keys/key-types.js';
import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redact.js';
import type { UnsavedChange } from './dirty-keys.js';
import type { KeyPool } from './key-pool.js';
import { WriteBehindTimer } from '../../jobs/write-behind-timer.js';
import { SealedSecrets } from './sealed-secrets.js';

/**
 * Small, frequent flushes: with a large pool under round-robin every request touches another key, and
 * one flush of thousands of rows a second stalled the event loop (the 100,000-key p99 doubled). The
 * timer runs only while changes wait: armed by the first, again after a flush that left some.
 */
const FLUSH_INTERVAL_MS = 250;
const ROWS_PER_FLUSH = 500;
/**
 * A change of more keys than this (a large import, a bulk action) is read in one query, and new keys'
 * secrets are sealed and decrypted after (SealedSecrets); a smaller one decrypts them at once.
 */
const BULK_RELOAD = 1000;
/** Sealed secrets decrypted per turn of the event loop in the background (~7 ms here): requests wait at most one turn. */
const OPEN_PER_TURN = 1000;

/**
 * Keeps the in-memory pool and the database in step, both ways:
 * - admin-side writes (import, edit, delete, checks) reach the pool through the store's `changed` event;
 * - what the proxy learns (statuses, counters, last error) is drained from the pool's dirty set and
 *   written in batches, off the hot path, and on shutdown.
 */
export class PoolSync {
  private readonly flushTimer = new WriteBehindTimer(FLUSH_INTERVAL_MS, () => {
    // A full flush means more may wait.
    if (this.flush(ROWS_PER_FLUSH) === ROWS_PER_FLUSH) this.flushTimer.arm();
  });
  /** Keys whose sealed secrets are still to be decrypted in the background, and the turn that does it. */
  private sealed: number[] = [];
  private nextSealed = 0;
  private opening: NodeJS.Immediate | undefined;
  /** Who waits for the background decryption to end (opened). */
  private waiting: (() => void)[] = [];
  /** New keys come with their rows (KeyStore.insertMany): loaded as they are, not read back. */
  private readonly onChanged = (ids: number[], kind: KeyChange, rows?: readonly PoolRow[]) =>
    rows ? this.loadSealed(rows) : this.reload(ids, kind);

  constructor(
    private readonly store: KeyStore,
    private readonly keys: KeyService,
    private readonly pool: KeyPool,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads every key into the pool and starts following changes. The secrets are decrypted in the
   * background from the next turn on (a key picked before that is decrypted when picked), so a large
   * pool serves without waiting for all of them.
   */
  start(): void {
    this.loadSealed(this.store.poolRows());
    this.store.events.on('changed', this.onChanged);
    this.pool.onFirstChange(() => this.flushTimer.arm());
  }

  /** Writes what the proxy learned (state changes first, then the oldest counters), up to `limit` keys; says how many. Never throws. */
  flush(limit = Infinity): number {
    const changes = this.pool.takeChanges(limit);
    if (changes.length === 0) return 0;
    const updates = changes.map(toUpdate);
    try {
      this.store.applyProxyUpdates(updates);
    } catch (err) {
      this.logger.error({ err, keys: updates.length }, 'could not save key states learned by the proxy');
    }
    return changes.length;
  }

  stop(): void {
    this.flushTimer.stop();
    clearImmediate(this.opening);
    this.opening = undefined;
    this.sealed = [];
    this.nextSealed = 0;
    this.settle();
    this.store.events.off('changed', this.onChanged);
    this.flush();
  }

  /** Resolves once no sealed secret waits for the background decryption (at once when none does). */
  opened(): Promise<void> {
    if (this.opening === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private reload(ids: number[], kind: KeyChange): void {
    const keepState = kind === 'edit';
    if (ids.length > BULK_RELOAD) {
      const found = new Set<number>();
      this.loadSealed(this.store.poolRows(ids), keepState, (id) => found.add(id));
      for (const id of ids) if (!found.has(id)) this.pool.remove(id);
      return;
    }
    for (const id of ids) {
      const row = this.store.get(id);
      if (row) this.pool.upsert(row, () => this.keys.reveal(row), { keepState });
      else this.pool.remove(id);
    }
  }

  /** Upserts the rows with their secrets sealed, and has them decrypted in the background. */
  private loadSealed(rows: Iterable<PoolRow>, keepState = false, seen?: (id: number) => void): void {
    const sealed = new SealedSecrets((cipher) => this.keys.reveal({ key_cipher: cipher }));
    for (const row of rows) {
      this.pool.upsert(row, sealed, { keepState });
      seen?.(row.id);
      if (this.pool.isSealed(row.id)) this.sealed.push(row.id);
    }
    this.opening ??= setImmediate(() => this.openSome());
  }

  private settle(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /**
   * Decrypts up to OPEN_PER_TURN sealed secrets, then yields to the event loop until none is left.
   * A key whose secret does not decrypt (a damaged row) is left out of the pool, and the admin told.
   */
  private openSome(): void {
    this.opening = undefined;
    const end = Math.min(this.nextSealed + OPEN_PER_TURN, this.sealed.length);
    for (; this.nextSealed < end; this.nextSealed++) {
      const id = this.sealed[this.nextSealed]!;
      try {
        this.pool.open(id);
      } catch (err) {
        this.logger.error({ err, keyId: id }, 'a stored key does not decrypt: it is left out of the pool');
        this.pool.remove(id);
      }
    }
    if (this.nextSealed < this.sealed.length) this.opening = setImmediate(() => this.openSome());
    else {
      this.sealed = [];
      this.nextSealed = 0;
      this.settle();
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
