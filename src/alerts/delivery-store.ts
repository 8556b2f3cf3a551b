import type { Db } from '../db/database.js';
import { StatementCache } from '../db/statement-cache.js';
import type { AlertEvent, AlertMessage, Severity } from './alert-types.js';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One message to one channel, as the admin API shows it (docs/admin-api.md, "Alert channels"). */
export type Delivery = {
  id: number;
  channelId: number | null;
  channelName: string;
  event: AlertEvent;
  state: AlertMessage['state'];
  incidentId: string;
  severity: Severity;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
};

/** A pending delivery due for an attempt: where to and what. */
export type DueDelivery = { id: number; channelId: number | null; attempts: number; message: AlertMessage };

/** How an attempt ended: sent, to be tried again at `retryAt`, or failed for good. */
export type AttemptResult = {
  outcome: 'sent' | 'retry' | 'failed';
  httpStatus: number | null;
  error: string | null;
  retryAt?: number;
};

type DeliveryRow = {
  id: number;
  channel_id: number | null;
  channel_name: string;
  event: AlertEvent;
  state: AlertMessage['state'];
  incident_id: string;
  severity: Severity;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  sent_at: number | null;
};

/** The log keeps this many deliveries; older ones go as new ones come. */
export const DELIVERIES_KEPT = 5000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The `alert_deliveries` table (migration 0013): the queue and the log in one. A pending row is due
 * at next_attempt_at; an attempt under way has none (`claim`), and a restart makes those due again.
 */
export class DeliveryStore {
  private readonly insertStmt;
  private readonly pruneStmt;
  private readonly dueStmt;
  private readonly claimStmt;
  private readonly nextDueStmt;
  private readonly recordStmt;
  private readonly getStmt;
  private readonly reviveStmt;
  private readonly lastStmt;
  private readonly insertMany;
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly kept = DELIVERIES_KEPT,
  ) {
    this.statements = new StatementCache(db);
    this.insertStmt = db.prepare(
      `INSERT INTO alert_deliveries (channel_id, channel_name, event, state, incident_id, severity, message, status, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    this.pruneStmt = db.prepare<[number]>(
      'DELETE FROM alert_deliveries WHERE id IN (SELECT id FROM alert_deliveries ORDER BY id DESC LIMIT -1 OFFSET ?)',
    );
    this.dueStmt = db.prepare<[number, number], { id: number; channel_id: number | null; attempts: number; message: string }>(
      `SELECT id, channel_id, attempts, message FROM alert_deliveries
       WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    this.claimStmt = db.prepare<[number]>("UPDATE alert_deliveries SET next_attempt_at = NULL WHERE id = ? AND status = 'pending'");
    this.nextDueStmt = db.prepare<[], { at: number | null }>(
      "SELECT MIN(next_attempt_at) AS at FROM alert_deliveries WHERE status = 'pending'",
    );
    this.recordStmt = db.prepare(
      `UPDATE alert_deliveries SET status = @status, attempts = attempts + 1, last_status = @httpStatus, last_error = @error,
         last_attempt_at = @now, next_attempt_at = @retryAt, sent_at = @sentAt WHERE id = @id`,
    );
    this.getStmt = db.prepare<[number], DeliveryRow>('SELECT * FROM alert_deliveries WHERE id = ?');
    this.reviveStmt = db.prepare<[number]>(
      "UPDATE alert_deliveries SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at IS NULL",
    );
    this.lastStmt = db.prepare<[], DeliveryRow>(
      `SELECT * FROM alert_deliveries WHERE id IN
         (SELECT MAX(id) FROM alert_deliveries WHERE channel_id IS NOT NULL GROUP BY channel_id)`,
    );
    this.insertMany = db.transaction((rows: { channelId: number; channelName: string; message: AlertMessage }[], now: number) => {
      const ids = rows.map(({ channelId, channelName, message: m }) =>
        Number(
          this.insertStmt.run(channelId, channelName, m.event, m.state, m.incidentId, m.severity, JSON.stringify(m), now, now)
            .lastInsertRowid,
        ),
      );
      this.pruneStmt.run(this.kept);
      return ids;
    });
  }

  /** Queues the message for each channel, due now; returns the new rows' ids in the same order. */
  add(rows: { channelId: number; channelName: string; message: AlertMessage }[], now = Date.now()): number[] {
    return rows.length ? this.insertMany(rows, now) : [];
  }

  /** Up to `limit` deliveries due by `now`, each claimed (no longer due) so no second attempt starts beside it. */
  claimDue(now: number, limit: number): DueDelivery[] {
    return this.db.transaction(() =>
      this.dueStmt.all(now, limit).map((row) => {
        this.claimStmt.run(row.id);
        return { id: row.id, channelId: row.channel_id, attempts: row.attempts, message: JSON.parse(row.message) as AlertMessage };
      }),
    )();
  }

  /** When the next pending delivery is due (undefined: none is waiting). */
  nextDue(): number | undefined {
    return this.nextDueStmt.get()?.at ?? undefined;
  }

  record(id: number, result: AttemptResult, now = Date.now()): void {
    const status: DeliveryStatus = result.outcome === 'retry' ? 'pending' : result.outcome;
    this.recordStmt.run({
      id,
      status,
      httpStatus: result.httpStatus,
      error: result.error,
      now,
      retryAt: result.outcome === 'retry' ? (result.retryAt ?? now) : null,
      sentAt: result.outcome === 'sent' ? now : null,
    });
  }

  /** After a restart: attempts that were under way when the server stopped are due again. */
  reviveClaimed(now = Date.now()): void {
    this.reviveStmt.run(now);
  }

  get(id: number): Delivery | undefined {
    const row = this.getStmt.get(id);
    return row && toDelivery(row);
  }

  /** Newest first; `before` is the id of the last delivery already shown. */
  list(options: { channelId?: number; limit: number; before?: number }): Delivery[] {
    const filters: [string, number][] = [];
    if (options.channelId !== undefined) filters.push(['channel_id = ?', options.channelId]);
    if (options.before !== undefined) filters.push(['id < ?', options.before]);
    const where = filters.length ? `WHERE ${filters.map(([sql]) => sql).join(' AND ')}` : '';
    const rows = this.statements.get(`SELECT * FROM alert_deliveries ${where} ORDER BY id DESC LIMIT ?`);
    return (rows.all(...filters.map(([, value]) => value), options.limit) as DeliveryRow[]).map(toDelivery);
  }

  /** Each channel's latest delivery: its status and when it last changed. */
  lastByChannel(): Map<number, { status: DeliveryStatus; at: string }> {
    return new Map(
      this.lastStmt.all().map((r) => [r.channel_id!, { status: r.status, at: iso(r.sent_at ?? r.last_attempt_at ?? r.created_at)! }]),
    );
  }
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    channelId: r.channel_id,
    channelName: r.channel_name,
    event: r.event,
    state: r.state,
    incidentId: r.incident_id,
    severity: r.severity,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    lastAttemptAt: iso(r.last_attempt_at),
    nextAttemptAt: iso(r.next_attempt_at),
    sentAt: iso(r.sent_at),
  };
}
