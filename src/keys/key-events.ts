import { EventEmitter } from 'node:events';
import type { Db } from '../db/database.js';
import { StatementCache } from '../db/statement-cache.js';
import type { PublicStatus } from './key-types.js';

/** Who changed a key's status: the /v1 proxy's verdicts, a check, the admin, or the recovery job. */
export const EVENT_SOURCES = ['proxy', 'check', 'admin', 'recovery'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** One change of a key's public status, as the admin API shows it. */
export type KeyEvent = { id: number; at: string; from: PublicStatus; to: PublicStatus; reason: string; source: EventSource };

/** Why the keys a write touches may change: one source, and a reason per key (a batch has its own for each). */
export type Why = { source: EventSource; reason: (id: number, from: PublicStatus, to: PublicStatus) => string };

/** The history kept per key: older events go as new ones come (migration 0010). */
export const EVENTS_PER_KEY = 200;

/** A key's move into a status, as the alert engine reads it (KeyEventStore.entered). */
export type EnteredEvent = { id: number; keyId: number; at: number; status: PublicStatus; masked: string };

type EventRow = { id: number; at: number; from_status: PublicStatus; to_status: PublicStatus; reason: string; source: EventSource };

/** A key's public status in SQL: switched off by the admin is `disabled` whatever it was. */
const PUBLIC_STATUS = "CASE WHEN enabled = 0 THEN 'disabled' ELSE status END";

/**
 * The `key_events` table. The store's writes go through `track`, which compares each key's public
 * status before and after the write in the same transaction: a change cannot be missed by a caller
 * that forgot to report it, nor reported when the write changed nothing (a top-up of an active key).
 * `recorded` is emitted with the keys whose status changed, so the recovery job can reschedule.
 */
export class KeyEventStore {
  private readonly statements: StatementCache;
  readonly events = new EventEmitter<{ recorded: [ids: number[]] }>();

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
  }

  /** Runs `write` in a transaction and records every key among `ids` whose public status it changed. */
  track<T>(ids: readonly number[], why: Why, write: () => T, now = Date.now()): T {
    if (ids.length === 0) return write();
    const { result, changed } = this.db.transaction(() => {
      const before = this.statuses(ids);
      const result = write();
      const changed: number[] = [];
      for (const [id, to] of this.statuses(ids)) {
        const from = before.get(id);
        if (from === undefined || from === to) continue;
        this.insert(id, now, from, to, why.reason(id, from, to), why.source);
        changed.push(id);
      }
      return { result, changed };
    })();
    if (changed.length) this.events.emit('recorded', changed);
    return result;
  }

  /** An event that changes no status but belongs in the history (the recovery job giving up on a key). */
  note(id: number, status: PublicStatus, reason: string, source: EventSource, now = Date.now()): void {
    this.db.transaction(() => this.insert(id, now, status, status, reason, source))();
  }

  /** A key's events, newest first; `before` is the id of the last event already shown. */
  list(keyId: number, limit: number, before?: number): KeyEvent[] {
    const rows = (
      before === undefined
        ? this.stmt('SELECT * FROM key_events WHERE key_id = ? ORDER BY at DESC, id DESC LIMIT ?').all(keyId, limit)
        : this.stmt(
            `SELECT * FROM key_events WHERE key_id = ? AND (at, id) < (SELECT at, id FROM key_events WHERE id = ?)
             ORDER BY at DESC, id DESC LIMIT ?`,
          ).all(keyId, before, limit)
    ) as EventRow[];
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      from: r.from_status,
      to: r.to_status,
      reason: r.reason,
      source: r.source,
    }));
  }

  /** When the key last came into this status (its latest event to it); undefined when none is kept. */
  lastEntered(keyId: number, status: PublicStatus): number | undefined {
    const row = this.stmt('SELECT MAX(at) AS at FROM key_events WHERE key_id = ? AND to_status = ? AND from_status != ?').get(
      keyId,
      status,
      status,
    ) as { at: number | null };
    return row.at ?? undefined;
  }

  /** Whether an event with this reason was recorded for the key at or after `since`. */
  notedSince(keyId: number, reason: string, since: number): boolean {
    return (
      this.stmt('SELECT 1 FROM key_events WHERE key_id = ? AND reason = ? AND at >= ? LIMIT 1').get(keyId, reason, since) !== undefined
    );
  }

  /**
   * Issue 14, alert engine: the events that put a key into one of `statuses`, after the event id
   * `afterId` and at or after `since`, oldest first, with the key's masked form (never the key).
   */
  entered(statuses: readonly PublicStatus[], afterId: number, since: number, limit: number): EnteredEvent[] {
    return this.stmt(
      `SELECT e.id, e.key_id AS keyId, e.at, e.to_status AS status, k.masked FROM key_events e JOIN keys k ON k.id = e.key_id
       WHERE e.id > ? AND e.at >= ? AND e.from_status != e.to_status AND e.to_status IN (SELECT value FROM json_each(?))
       ORDER BY e.id LIMIT ?`,
    ).all(afterId, since, JSON.stringify(statuses), limit) as EnteredEvent[];
  }

  /** The newest event's id (0 when none): where the alert engine starts reading. */
  lastId(): number {
    return (this.stmt('SELECT MAX(id) AS id FROM key_events').get() as { id: number | null }).id ?? 0;
  }

  private insert(id: number, at: number, from: PublicStatus, to: PublicStatus, reason: string, source: EventSource): void {
    this.stmt('INSERT INTO key_events (key_id, at, from_status, to_status, reason, source) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      at,
      from,
      to,
      reason.slice(0, 500),
      source,
    );
    this.stmt(
      `DELETE FROM key_events WHERE id IN
         (SELECT id FROM key_events WHERE key_id = ? ORDER BY at DESC, id DESC LIMIT -1 OFFSET ${EVENTS_PER_KEY})`,
    ).run(id);
  }

  /** Public statuses of these keys (one JSON parameter: the bulk actions take 100,000 ids). */
  private statuses(ids: readonly number[]): Map<number, PublicStatus> {
    const rows = this.stmt(`SELECT id, ${PUBLIC_STATUS} AS status FROM keys WHERE id IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(ids),
    ) as { id: number; status: PublicStatus }[];
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }
}
