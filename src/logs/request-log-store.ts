import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { StatementCache } from '../db/statement-cache.js';
import type { RequestLogEntry } from './request-log-types.js';

export const STATUS_CLASSES = ['2xx', '4xx', '5xx', 'error'] as const;
/** An exact status, a class, or `error` (any status >= 400). */
export type StatusFilter = number | (typeof STATUS_CLASSES)[number];

export type RequestLogQuery = {
  page: number;
  pageSize: number;
  model?: string;
  status?: StatusFilter;
  keyId?: number;
  clientId?: number;
  /** ms since epoch: only rows with time >= since */
  since?: number;
};

/** One logged request as the admin API shows it: the entry, its id, and the time as an ISO string. */
export type RequestLogView = { id: number } & Omit<RequestLogEntry, 'time'> & { time: string };

export type RequestLogPage = { items: RequestLogView[]; total: number; page: number; pageSize: number };

export type RequestLogBucket = { time: string; requests: number; errors: number; tokens: number };

export type RequestLogSummary = {
  requests: number;
  succeeded: number;
  /** 0..1 rounded to 4 decimals; null when there were no requests */
  successRate: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
};

type Row = {
  id: number;
  time: number;
  method: string;
  path: string;
  model: string | null;
  requested_model: string | null;
  stream: number;
  status: number;
  key_id: number | null;
  client_id: number | null;
  attempts: number;
  first_byte_ms: number | null;
  total_ms: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  error_class: string | null;
  cost_nano: number | null;
  gift_nano: number | null;
  paid_nano: number | null;
};

const STATUS_CLAUSES: Record<(typeof STATUS_CLASSES)[number], string> = {
  '2xx': 'status BETWEEN 200 AND 299',
  '4xx': 'status BETWEEN 400 AND 499',
  '5xx': 'status BETWEEN 500 AND 599',
  error: 'status >= 400',
};

/** Plain SQL over `request_logs`: written in batches by RequestLogWriter, read by the admin API. */
export class RequestLogStore {
  private readonly statements: StatementCache;
  private readonly insert: Statement<unknown[]>;
  private readonly summaryStmt: Statement<unknown[]>;
  private readonly deleteStmt: Statement<unknown[]>;
  private readonly addMinute: Statement<unknown[]>;
  private readonly deleteMinutes: Statement<unknown[]>;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    this.insert = db.prepare<unknown[]>(
      `INSERT INTO request_logs (time, method, path, model, stream, status, key_id, attempts, first_byte_ms,
         total_ms, prompt_tokens, completion_tokens, total_tokens, error_class, cost_nano, gift_nano, paid_nano, client_id, requested_model)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.summaryStmt = db.prepare<unknown[]>(
      `SELECT COUNT(*) AS requests, COALESCE(SUM(status < 400), 0) AS succeeded,
              COALESCE(SUM(prompt_tokens), 0) AS promptTokens,
              COALESCE(SUM(completion_tokens), 0) AS completionTokens,
              COALESCE(SUM(total_tokens), 0) AS totalTokens
       FROM request_logs WHERE time >= ?`,
    );
    this.deleteStmt = db.prepare<unknown[]>('DELETE FROM request_logs WHERE time < ?');
    this.addMinute = db.prepare<unknown[]>(
      `INSERT INTO spend_minutes (minute, gift_nano, paid_nano) VALUES (?, ?, ?)
       ON CONFLICT (minute) DO UPDATE SET gift_nano = gift_nano + excluded.gift_nano, paid_nano = paid_nano + excluded.paid_nano`,
    );
    this.deleteMinutes = db.prepare<unknown[]>('DELETE FROM spend_minutes WHERE minute < ?');
  }

  insertMany(entries: RequestLogEntry[]): void {
    this.db.transaction(() => {
      for (const e of entries) {
        this.insert.run(
          e.time,
          e.method,
          e.path,
          e.model,
          Number(e.stream),
          e.status,
          e.keyId,
          e.attempts,
          e.firstByteMs,
          e.totalMs,
          e.promptTokens,
          e.completionTokens,
          e.totalTokens,
          e.errorClass,
          e.costNano,
          e.giftNano,
          e.paidNano,
          e.clientId,
          e.requestedModel,
        );
      }
      for (const [minute, spent] of spendByMinute(entries)) this.addMinute.run(minute, spent.gift, spent.paid);
    })();
  }

  /** Newest first. */
  list(query: RequestLogQuery): RequestLogPage {
    const { where, params } = whereClause(query);
    const rows = this.stmt(`SELECT * FROM request_logs ${where} ORDER BY time DESC, id DESC LIMIT ? OFFSET ?`).all(
      ...params,
      query.pageSize,
      (query.page - 1) * query.pageSize,
    ) as Row[];
    const { total } = this.stmt(`SELECT COUNT(*) AS total FROM request_logs ${where}`).get(...params) as { total: number };
    return { items: rows.map(toView), total, page: query.page, pageSize: query.pageSize };
  }

  /** Totals over requests that arrived at or after sinceMs; success means the client got a status below 400. */
  summary(sinceMs: number): RequestLogSummary {
    const s = this.summaryStmt.get(sinceMs) as Omit<RequestLogSummary, 'successRate'>;
    const successRate = s.requests ? Math.round((s.succeeded / s.requests) * 10_000) / 10_000 : null;
    return { ...s, successRate };
  }

  /**
   * Requests, errors and tokens per time bucket (`%` because numbers are bound as REAL, and `/` would
   * not round down) from sinceMs to now, every bucket present (zeros
   * included) so a chart's axis is even.
   */
  series(sinceMs: number, bucketMs: number, now = Date.now()): RequestLogBucket[] {
    const rows = this.stmt(
      `SELECT time - time % ? AS bucket, COUNT(*) AS requests, SUM(status >= 400) AS errors,
              COALESCE(SUM(total_tokens), 0) AS tokens
       FROM request_logs WHERE time >= ? GROUP BY bucket`,
    ).all(bucketMs, sinceMs) as { bucket: number; requests: number; errors: number; tokens: number }[];
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    const buckets: RequestLogBucket[] = [];
    for (let at = Math.floor(sinceMs / bucketMs) * bucketMs; at <= now; at += bucketMs) {
      const r = byBucket.get(at);
      buckets.push({ time: new Date(at).toISOString(), requests: r?.requests ?? 0, errors: r?.errors ?? 0, tokens: r?.tokens ?? 0 });
    }
    return buckets;
  }

  /** Retention: the only delete. Returns the number of rows removed. */
  deleteOlderThan(cutoffMs: number): number {
    this.deleteMinutes.run(cutoffMs - (cutoffMs % MINUTE_MS));
    return this.deleteStmt.run(cutoffMs).changes;
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }
}

function whereClause(query: RequestLogQuery) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (query.model !== undefined) {
    clauses.push('model = ?');
    params.push(query.model);
  }
  if (typeof query.status === 'number') {
    clauses.push('status = ?');
    params.push(query.status);
  } else if (query.status !== undefined) {
    clauses.push(STATUS_CLAUSES[query.status]);
  }
  if (query.keyId !== undefined) {
    clauses.push('key_id = ?');
    params.push(query.keyId);
  }
  if (query.clientId !== undefined) {
    clauses.push('client_id = ?');
    params.push(query.clientId);
  }
  if (query.since !== undefined) {
    clauses.push('time >= ?');
    params.push(query.since);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function toView(r: Row): RequestLogView {
  return {
    id: r.id,
    time: new Date(r.time).toISOString(),
    method: r.method,
    path: r.path,
    model: r.model,
    requestedModel: r.requested_model,
    stream: r.stream === 1,
    status: r.status,
    keyId: r.key_id,
    clientId: r.client_id,
    attempts: r.attempts,
    firstByteMs: r.first_byte_ms,
    totalMs: r.total_ms,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    totalTokens: r.total_tokens,
    errorClass: r.error_class,
    costNano: r.cost_nano,
    giftNano: r.gift_nano,
    paidNano: r.paid_nano,
  };
}

const MINUTE_MS = 60_000;

/**
 * The credit a batch spent, per minute of its requests (spend_minutes, migration 0014): a batch spans
 * a second or so, so this is one or two rows however many requests it holds.
 */
function spendByMinute(entries: RequestLogEntry[]): Map<number, { gift: number; paid: number }> {
  const minutes = new Map<number, { gift: number; paid: number }>();
  for (const e of entries) {
    if (e.keyId === null || (!e.giftNano && !e.paidNano)) continue;
    const minute = e.time - (e.time % MINUTE_MS);
    let spent = minutes.get(minute);
    if (!spent) minutes.set(minute, (spent = { gift: 0, paid: 0 }));
    spent.gift += e.giftNano ?? 0;
    spent.paid += e.paidNano ?? 0;
  }
  return minutes;
}
