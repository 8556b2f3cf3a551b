import type { Db } from '../db/database.js';
import { StatementCache } from '../db/statement-cache.js';
import { GIFT_NOW, PAID_NOW, TOTAL_NOW } from '../keys/key-store.js';
import type { AnchorSource } from '../ledger/balance.js';
import type { Nano } from '../ledger/money.js';

/** Which requests: `from` ≤ time < `to` (ms since epoch), of one model, pool key or client key if given. */
export type SpendRange = { from: number; to: number; model?: string; keyId?: number; clientId?: number };

/** What a set of requests used and cost, in n¥; the unpriced ones (cost unknown) counted apart, never as 0. */
export type SpendSums = {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** The known costs; `unknownCredit` is the part of it whose credit (gift or paid) is not known. */
  cost: Nano;
  gift: Nano;
  paid: Nano;
  unknownCredit: Nano;
  unpricedRequests: number;
  unpricedInputTokens: number;
  unpricedOutputTokens: number;
};

/** Local days or hours (a bucket's start, ms), models, keys or client keys (null: requests that never got one). */
export type SpendGrouping = { time: { sizeMs: number; offsetMinutes: number } } | 'model' | 'key' | 'client';
export type SpendGroup = SpendSums & { group: number | string | null };

/** The enabled keys' money now (see poolMoney), each credit over the keys where it is known. */
export type PoolMoneyRow = {
  keys: number;
  exactKeys: number;
  unknownKeys: number;
} & Record<'gift' | 'paid' | 'total', { nano: Nano; keys: number; estimatedKeys: number }> &
  Record<'giftBurn' | 'paidBurn', Nano>;

export type RunningOutRow = {
  id: number;
  masked: string;
  total: Nano;
  exact: boolean;
  anchorSource: AnchorSource | null;
  anchorAt: number | null;
  /** n¥ per hour, over the last 24 h, or over 7 days when the key spent nothing in the last 24 h. */
  perHour: number;
  basis: '24h' | '7d';
  hours: number;
};

/**
 * A request whose cost is unknown (no price, or an answer that did not say what it used). SiliconFlow
 * bills no request it refused, so a failure (the client got ≥ 400) without a cost is not unpriced usage.
 */
const UNPRICED = '(cost_nano IS NULL AND status < 400)';
const MINUTE_MS = 60_000;
const SUMS = `COUNT(*) AS requests,
  COALESCE(SUM(prompt_tokens), 0) AS inputTokens,
  COALESCE(SUM(completion_tokens), 0) AS outputTokens,
  COALESCE(SUM(cost_nano), 0) AS cost,
  COALESCE(SUM(gift_nano), 0) AS gift,
  COALESCE(SUM(paid_nano), 0) AS paid,
  COALESCE(SUM(cost_nano - COALESCE(gift_nano, 0) - COALESCE(paid_nano, 0)), 0) AS unknownCredit,
  COALESCE(SUM(${UNPRICED}), 0) AS unpricedRequests,
  COALESCE(SUM(CASE WHEN ${UNPRICED} THEN prompt_tokens END), 0) AS unpricedInputTokens,
  COALESCE(SUM(CASE WHEN ${UNPRICED} THEN completion_tokens END), 0) AS unpricedOutputTokens`;

/** The keys whose money counts: enabled, and not refused by SiliconFlow (an invalid key's money cannot be spent). */
const POOL_KEYS = "enabled = 1 AND status != 'invalid'";
/** src/ledger/balance.ts, balanceOf: SiliconFlow's own figure, with nothing spent since. */
const EXACT =
  "((anchor_source = 'user-info' OR (anchor_source = 'signal' AND anchor_gift_nano = 0 AND anchor_paid_nano = 0))" +
  ' AND anchor_gift_nano IS NOT NULL AND anchor_paid_nano IS NOT NULL AND spent_gift_nano + spent_paid_nano + spent_unsplit_nano = 0)';
/** A key's total with a negative credit (the estimate overshot) counted as nothing left, not as a debt. */
const TOTAL_LEFT = `CASE WHEN ${TOTAL_NOW} IS NOT NULL THEN MAX(0, ${GIFT_NOW}) + MAX(0, ${PAID_NOW}) END`;

/**
 * Read-only SQL over the spend the proxy logs on request_logs (cost_nano, gift_nano, paid_nano), and
 * the keys' balances it leaves. Every figure is one aggregate statement over an indexed time range
 * (request_logs has (time), (model, time), (key_id, time)); no request is read into JS. A pass over
 * request_logs grows with the traffic (a 30-day pass over 100,000 requests 70 ms, over 1,000,000
 * about 800 ms, on this 2-core machine): the admin's spend views pay that; poolMoney, read on the
 * alert tick, each scrape and the pages, reads spend_minutes instead (under 1 ms at 300,000 requests
 * a day, where a pass took 0.6-0.8 s).
 */
export class SpendStore {
  private readonly statements: StatementCache;

  constructor(db: Db) {
    this.statements = new StatementCache(db);
  }

  /** The sums per group, in time order for days and hours, biggest cost first otherwise; `limit` for a top list. */
  groups(range: SpendRange, by: SpendGrouping, limit = -1): SpendGroup[] {
    const { where, params } = whereClause(range);
    const group = typeof by === 'object' ? 'time - (time + ?) % ?' : GROUP_COLUMNS[by];
    const groupParams = typeof by === 'object' ? [by.time.offsetMinutes * 60_000, by.time.sizeMs] : [];
    const order = typeof by === 'object' ? 'grp' : 'cost DESC, requests DESC, grp';
    const sql = `SELECT ${group} AS grp, ${SUMS} FROM request_logs ${where} GROUP BY grp ORDER BY ${order} LIMIT ?`;
    const rows = this.stmt(sql).all(...groupParams, ...params, limit) as (SpendSums & { grp: number | string | null })[];
    return rows.map(({ grp, ...sums }) => ({ group: grp, ...sums }));
  }

  /** The sums per local day and model (the overview's chart and its periods, in one pass). */
  byDayAndModel(range: SpendRange, offsetMinutes: number): (SpendSums & { day: number; model: string | null })[] {
    const { where, params } = whereClause(range);
    const sql = `SELECT time - (time + ?) % ? AS day, model, ${SUMS} FROM request_logs ${where} GROUP BY day, model ORDER BY day`;
    return this.stmt(sql).all(offsetMinutes * 60_000, 24 * 60 * 60_000, ...params) as (SpendSums & { day: number; model: string | null })[];
  }

  totals(range: SpendRange): SpendSums {
    const { where, params } = whereClause(range);
    return this.stmt(`SELECT ${SUMS} FROM request_logs ${where}`).get(...params) as SpendSums;
  }

  /** The names of these client keys, deleted ones included (their rows stay). */
  clientNames(ids: number[]): Map<number, { name: string; deleted: boolean }> {
    const rows = this.stmt('SELECT id, name, deleted_at FROM clients WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(ids),
    );
    return new Map(
      (rows as { id: number; name: string; deleted_at: number | null }[]).map((r) => [
        r.id,
        { name: r.name, deleted: r.deleted_at !== null },
      ]),
    );
  }

  /** The masked form of these keys (a deleted key has none). */
  maskedKeys(ids: number[]): Map<number, string> {
    const rows = this.stmt('SELECT id, masked FROM keys WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids));
    return new Map((rows as { id: number; masked: string }[]).map((r) => [r.id, r.masked]));
  }

  /**
   * The pool's money in one aggregate, cheap enough for every metrics scrape: each credit summed over
   * the keys where it is known, and what the pool spent of it since `burnSince` — the rate a runway
   * divides by. The spend comes from spend_minutes (migration 0014: at most 1,440 rows a day, not
   * every request), the part of the first minute after `burnSince` from request_logs, less what keys
   * the pool's money leaves out (switched off, refused) spent meanwhile, found by their index. Spend
   * the ledger could not split (a key whose gift credit is unknown) is in neither credit: it draws on
   * money the sum does not hold. A key deleted since it spent still counts until that is 24 hours old.
   */
  poolMoney(burnSince: number): PoolMoneyRow {
    const edgeEnd = burnSince + ((MINUTE_MS - (burnSince % MINUTE_MS)) % MINUTE_MS);
    const row = this.stmt(
      `WITH spent AS (
         SELECT COALESCE(SUM(gift_nano), 0) AS gift, COALESCE(SUM(paid_nano), 0) AS paid FROM spend_minutes WHERE minute >= :edgeEnd
         UNION ALL
         SELECT COALESCE(SUM(gift_nano), 0), COALESCE(SUM(paid_nano), 0) FROM request_logs
         WHERE time >= :since AND time < :edgeEnd AND key_id IS NOT NULL
         UNION ALL
         SELECT -COALESCE(SUM(gift_nano), 0), -COALESCE(SUM(paid_nano), 0) FROM request_logs
         WHERE key_id IN (SELECT id FROM keys WHERE NOT (${POOL_KEYS})) AND time >= :since
       ), burn AS (SELECT SUM(gift) AS gift, SUM(paid) AS paid FROM spent),
       pool AS (SELECT keys.*, ${EXACT} AS exact FROM keys WHERE ${POOL_KEYS})
       SELECT COUNT(*) AS keys,
         COALESCE(SUM(exact AND (anchor_gift_nano IS NOT NULL OR anchor_paid_nano IS NOT NULL)), 0) AS exactKeys,
         COALESCE(SUM(anchor_gift_nano IS NULL AND anchor_paid_nano IS NULL), 0) AS unknownKeys,
         COALESCE(SUM(MAX(0, ${GIFT_NOW})), 0) AS giftNano, COUNT(anchor_gift_nano) AS giftKeys,
         COALESCE(SUM(anchor_gift_nano IS NOT NULL AND NOT exact), 0) AS giftEstimated,
         (SELECT gift FROM burn) AS giftBurn,
         COALESCE(SUM(MAX(0, ${PAID_NOW})), 0) AS paidNano, COUNT(anchor_paid_nano) AS paidKeys,
         COALESCE(SUM(anchor_paid_nano IS NOT NULL AND NOT exact), 0) AS paidEstimated,
         (SELECT paid FROM burn) AS paidBurn,
         COALESCE(SUM(${TOTAL_LEFT}), 0) AS totalNano, COUNT(${TOTAL_NOW}) AS totalKeys,
         COALESCE(SUM(${TOTAL_NOW} IS NOT NULL AND NOT exact), 0) AS totalEstimated
       FROM pool`,
    ).get({ since: burnSince, edgeEnd }) as Record<string, number>;
    const credit = (name: 'gift' | 'paid' | 'total') => ({
      nano: row[`${name}Nano`]!,
      keys: row[`${name}Keys`]!,
      estimatedKeys: row[`${name}Estimated`]!,
    });
    return {
      keys: row.keys!,
      exactKeys: row.exactKeys!,
      unknownKeys: row.unknownKeys!,
      gift: credit('gift'),
      paid: credit('paid'),
      total: credit('total'),
      giftBurn: row.giftBurn!,
      paidBurn: row.paidBurn!,
    };
  }

  /**
   * The keys that will run out first at their own rate: money left ÷ cost per hour. The rate is the
   * last 24 hours' when the key spent anything in them (the current rate, as for the pool's runway),
   * else the last 7 days' average, so a key used now and then still gets a day; a key that spent
   * nothing in 7 days is not running out. Keys already exhausted (a real 30001) are out, not running out.
   */
  runningOut(daySince: number, weekSince: number, limit: number): RunningOutRow[] {
    const rows = this.stmt(
      `WITH spend AS (
         SELECT key_id, SUM(CASE WHEN time >= ? THEN cost_nano END) AS day, SUM(cost_nano) AS week
         FROM request_logs WHERE time >= ? AND key_id IS NOT NULL GROUP BY key_id
       ), rated AS (
         SELECT keys.id, keys.masked, ${TOTAL_LEFT} AS total, ${EXACT} AS exact,
           anchor_source AS anchorSource, anchor_at AS anchorAt,
           CASE WHEN spend.day > 0 THEN spend.day / 24.0 ELSE spend.week / 168.0 END AS perHour,
           CASE WHEN spend.day > 0 THEN '24h' ELSE '7d' END AS basis
         FROM keys JOIN spend ON spend.key_id = keys.id
         WHERE ${POOL_KEYS} AND status != 'exhausted' AND ${TOTAL_NOW} IS NOT NULL AND spend.week > 0
       )
       SELECT *, total / perHour AS hours FROM rated ORDER BY hours, id LIMIT ?`,
    ).all(daySince, weekSince, limit) as (Omit<RunningOutRow, 'exact'> & { exact: number })[];
    return rows.map((r) => ({ ...r, exact: r.exact === 1 }));
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }
}

const GROUP_COLUMNS = { model: 'model', key: 'key_id', client: 'client_id' } as const;

function whereClause(range: SpendRange) {
  const clauses = ['time >= ?', 'time < ?'];
  const params: unknown[] = [range.from, range.to];
  if (range.model !== undefined) {
    clauses.push('model = ?');
    params.push(range.model);
  }
  if (range.keyId !== undefined) {
    clauses.push('key_id = ?');
    params.push(range.keyId);
  }
  if (range.clientId !== undefined) {
    clauses.push('client_id = ?');
    params.push(range.clientId);
  }
  return { where: `WHERE ${clauses.join(' AND ')}`, params };
}
