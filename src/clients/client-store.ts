import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { ClientOrigin, ClientRecord, ClientSettings, ClientUsage } from './client-types.js';

type Row = {
  id: number;
  name: string;
  note: string;
  key_hash: string | null;
  masked: string;
  enabled: number;
  expires_at: number | null;
  models: string;
  free_only: number;
  budget_day: number | null;
  budget_month: number | null;
  budget_total: number | null;
  rpm: number | null;
  max_concurrent: number | null;
  allowed_ips: string;
  created_at: number;
  deleted_at: number | null;
  self_issued: number;
  spent_total: number;
  requests_total: number;
  tokens_total: number;
  day: number;
  spent_day: number;
  requests_day: number;
  tokens_day: number;
  month: number;
  spent_month: number;
  requests_month: number;
  tokens_month: number;
  last_used_at: number | null;
};

/** A stored client with the keyed hash its key is found by (null for the admin's key and deleted clients). */
export type StoredClient = { record: ClientRecord; hash: string | null };

const SETTINGS_COLUMNS = `name = ?, note = ?, enabled = ?, expires_at = ?, models = ?, free_only = ?,
  budget_day = ?, budget_month = ?, budget_total = ?, rpm = ?, max_concurrent = ?, allowed_ips = ?`;

/** Plain SQL over `clients` (migration 0005): the admin's writes, and the usage ClientSync writes behind. */
export class ClientStore {
  private readonly allStmt: Statement<unknown[]>;
  private readonly getStmt: Statement<unknown[]>;
  private readonly insertStmt: Statement<unknown[]>;
  private readonly updateStmt: Statement<unknown[]>;
  private readonly deleteStmt: Statement<unknown[]>;
  private readonly rotateStmt: Statement<unknown[]>;
  private readonly usageStmt: Statement<unknown[]>;
  private readonly liveSelfIssuedStmt: Statement<unknown[]>;
  private readonly issuedToStmt: Statement<unknown[]>;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare('SELECT * FROM clients ORDER BY id');
    this.getStmt = db.prepare('SELECT * FROM clients WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO clients (key_hash, masked, created_at, self_issued, issued_to, name, note, enabled, expires_at, models,
         free_only, budget_day, budget_month, budget_total, rpm, max_concurrent, allowed_ips)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(`UPDATE clients SET ${SETTINGS_COLUMNS} WHERE id = ? AND deleted_at IS NULL`);
    // The hash goes with the key: a deleted client's key can never match again, and nothing of it stays.
    this.deleteStmt = db.prepare('UPDATE clients SET deleted_at = ?, enabled = 0, key_hash = NULL WHERE id = ? AND deleted_at IS NULL');
    this.rotateStmt = db.prepare('UPDATE clients SET key_hash = ?, masked = ? WHERE id = ? AND deleted_at IS NULL');
    this.usageStmt = db.prepare(
      `UPDATE clients SET spent_total = ?, requests_total = ?, tokens_total = ?, day = ?, spent_day = ?, requests_day = ?,
         tokens_day = ?, month = ?, spent_month = ?, requests_month = ?, tokens_month = ?, last_used_at = ? WHERE id = ?`,
    );
    this.liveSelfIssuedStmt = db.prepare(
      'SELECT count(*) AS n FROM clients WHERE self_issued = 1 AND deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)',
    );
    // Deleted ones count too: deleting your key does not buy another one the same day.
    this.issuedToStmt = db.prepare('SELECT count(*) AS n FROM clients WHERE issued_to = ? AND created_at > ?');
  }

  /** Every client, deleted ones included (the list can show them; the registry skips them). */
  all(): StoredClient[] {
    return (this.allStmt.all() as Row[]).map(toStored);
  }

  get(id: number): StoredClient | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row && toStored(row);
  }

  insert(settings: ClientSettings, hash: string, masked: string, now: number, origin: ClientOrigin = { selfIssued: false }): number {
    const issuedTo = origin.selfIssued ? origin.issuedTo : null;
    const params = [hash, masked, now, Number(origin.selfIssued), issuedTo, ...settingsParams(settings)];
    return Number(this.insertStmt.run(...params).lastInsertRowid);
  }

  /** Self-issued keys that still work: not deleted, not expired at `now`. */
  countLiveSelfIssued(now: number): number {
    return (this.liveSelfIssuedStmt.get(now) as { n: number }).n;
  }

  /** Keys self-issued to this address hash since `since` (ms), deleted ones included. */
  countIssuedTo(issuedTo: string, since: number): number {
    return (this.issuedToStmt.get(issuedTo, since) as { n: number }).n;
  }

  /** False when there is no such live client. */
  update(id: number, settings: ClientSettings): boolean {
    return this.updateStmt.run(...settingsParams(settings), id).changes > 0;
  }

  softDelete(id: number, now: number): boolean {
    return this.deleteStmt.run(now, id).changes > 0;
  }

  rotate(id: number, hash: string, masked: string): boolean {
    return this.rotateStmt.run(hash, masked, id).changes > 0;
  }

  /** The counters as the proxy has them now (absolute values: the proxy is their only writer), in one transaction. */
  writeUsage(rows: { id: number; usage: ClientUsage }[]): void {
    this.db.transaction(() => {
      for (const { id, usage: u } of rows) {
        this.usageStmt.run(
          u.total.spent,
          u.total.requests,
          u.total.tokens,
          u.day.period,
          u.day.spent,
          u.day.requests,
          u.day.tokens,
          u.month.period,
          u.month.spent,
          u.month.requests,
          u.month.tokens,
          u.lastUsedAt,
          id,
        );
      }
    })();
  }
}

function settingsParams(s: ClientSettings): unknown[] {
  return [
    s.name,
    s.note,
    Number(s.enabled),
    s.expiresAt,
    JSON.stringify(s.models),
    Number(s.freeOnly),
    s.budgets.day,
    s.budgets.month,
    s.budgets.total,
    s.rpm,
    s.maxConcurrent,
    JSON.stringify(s.allowedIps),
  ];
}

function toStored(r: Row): StoredClient {
  const record: ClientRecord = {
    id: r.id,
    name: r.name,
    note: r.note,
    masked: r.masked,
    enabled: r.enabled === 1,
    expiresAt: r.expires_at,
    models: JSON.parse(r.models) as string[],
    freeOnly: r.free_only === 1,
    budgets: { day: r.budget_day, month: r.budget_month, total: r.budget_total },
    rpm: r.rpm,
    maxConcurrent: r.max_concurrent,
    allowedIps: JSON.parse(r.allowed_ips) as string[],
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
    selfIssued: r.self_issued === 1,
    usage: {
      total: { period: 0, spent: r.spent_total, requests: r.requests_total, tokens: r.tokens_total },
      day: { period: r.day, spent: r.spent_day, requests: r.requests_day, tokens: r.tokens_day },
      month: { period: r.month, spent: r.spent_month, requests: r.requests_month, tokens: r.tokens_month },
      lastUsedAt: r.last_used_at,
    },
  };
  return { record, hash: r.key_hash };
}
