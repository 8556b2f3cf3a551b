import { EventEmitter } from 'node:events';
import type { Db } from '../db/database.js';
import { StatementCache } from '../db/statement-cache.js';
import type { AnchorSource } from '../ledger/balance.js';
import type { Nano } from '../ledger/money.js';
import { NO_ACCOUNT } from './key-account.js';
import { AccountStore, type StoredAccount } from './account-store.js';
import { BY_SWITCH, BY_TOP_UP, balanceSet, checkVerdict, proxyVerdict } from './key-event-reasons.js';
import { KeyEventStore, type EventSource } from './key-events.js';
import type { CheckResult, KeyFilter, KeyRow, KeySort, KeyStatus, PoolRow, PublicStatus } from './key-types.js';
import { readPoolRows } from './pool-rows.js';

/** Sums of the keys' balances in nano-yuan (src/ledger/balance.ts), over the keys whose balance is known. */
export type BalanceTotals = { gift: Nano; charge: Nano; total: Nano; usable: Nano; known: number; unknown: number };
/** What the /v1 proxy writes back about a key (write-behind, in batches). Counters are deltas. */
export type ProxyKeyUpdate = {
  id: number;
  status: KeyStatus;
  /** When the key last answered 30011; null = not known to lack paid credit. */
  lacksPaidAt: number | null;
  usageDelta: number;
  failureDelta: number;
  lastUsedAt: number | null;
  /** undefined = leave last_error as it is */
  lastError?: string | null;
  /** A Pro/ call succeeded while the ledger knew of no paid credit; undefined = leave paid_found_at. */
  paidFoundAt?: number;
  /** An anchor learned from a hard signal, stored only over the anchor it replaced (its anchor_at and anchor_source). */
  anchor?: { gift: Nano | null; paid: Nano | null; at: number; replaces: StoredAnchor };
  /** Spend since the anchor `against`, added only while that anchor is still the stored one. */
  spend?: { gift: Nano; paid: Nano; unsplit: Nano; against: StoredAnchor };
};

/** A balance the admin sets or tops up brings an exhausted key back (docs/ledger.md, "Setting balances"). */
const UNEXHAUST = "status = CASE WHEN status = 'exhausted' THEN 'active' ELSE status END";

/** Which anchor a key has (anchor_at and anchor_source; both null: none). */
export type StoredAnchor = { at: number | null; source: AnchorSource | null };

/** 'check': a fresh verdict on the key's status and balance; 'edit': anything else the admin did. */
export type KeyChange = 'edit' | 'check';

export type NewKeyRow = { cipher: Buffer; hash: string; masked: string };

/** What the admin changes on one key; `account` undefined = leave it, null = clear it. */
export type KeyPatch = { enabled?: boolean; note?: string; account?: string | null };

/**
 * A key's balance now, in SQL: the anchor minus what was spent since (src/ledger/balance.ts,
 * balanceOf); NULL when it is not known.
 */
export const GIFT_NOW = '(anchor_gift_nano - spent_gift_nano)';
export const PAID_NOW = '(anchor_paid_nano - spent_paid_nano)';
export const TOTAL_NOW = '(anchor_gift_nano + anchor_paid_nano - spent_gift_nano - spent_paid_nano - spent_unsplit_nano)';

const NO_SPEND: NonNullable<ProxyKeyUpdate['spend']> = { gift: 0, paid: 0, unsplit: 0, against: { at: null, source: null } };

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'created_at',
  totalBalance: TOTAL_NOW,
  lastCheckedAt: 'last_checked_at',
  usageCount: 'usage_count',
  status: 'status',
  id: 'id',
};

/**
 * Plain SQL over the `keys` table. Dynamic filters are cached as prepared statements by their text.
 * Every admin-side write announces the ids it touched on `events`, so the proxy's in-memory pool
 * follows along; the proxy's own write-behind (applyProxyUpdates) does not announce.
 */
export class KeyStore {
  private readonly statements: StatementCache;
  /**
   * `rows`, when given, are the changed keys' pool columns as written, so a listener need not read
   * them back: a new key's (insertMany), which are the table's defaults besides its id and cipher.
   */
  readonly events = new EventEmitter<{ changed: [ids: number[], kind: KeyChange, rows?: readonly PoolRow[]] }>();
  /** Which account each key belongs to (account-store.ts); its writes are announced here too. */
  readonly accounts: AccountStore;
  /** Every write below that can change a key's status goes through history.track (key-events.ts says why). */
  readonly history: KeyEventStore;

  constructor(private readonly db: Db) {
    this.statements = new StatementCache(db);
    this.accounts = new AccountStore(db, this.statements, (ids) => this.changed(ids));
    this.history = new KeyEventStore(db);
  }

  private changed(ids: number[], kind: KeyChange = 'edit'): void {
    if (ids.length) this.events.emit('changed', ids, kind);
  }

  /**
   * Inserts new keys, skipping any whose hash is already stored. Returns the new ids. The pool gets
   * the new rows with the announcement instead of reading them back (100,000 keys: ~0.2 s of an
   * import, issue 15).
   */
  insertMany(rows: NewKeyRow[], now = Date.now()): number[] {
    const insert = this.stmt(
      'INSERT INTO keys (key_cipher, key_hash, masked, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key_hash) DO NOTHING',
    );
    const ids: number[] = [];
    const added: PoolRow[] = [];
    this.db.transaction(() => {
      for (const r of rows) {
        const info = insert.run(r.cipher, r.hash, r.masked, now);
        if (info.changes === 0) continue;
        const id = Number(info.lastInsertRowid);
        ids.push(id);
        added.push(newPoolRow(id, r.cipher));
      }
    })();
    if (ids.length) this.events.emit('changed', ids, 'edit', added);
    return ids;
  }

  get(id: number): KeyRow | undefined {
    return this.stmt('SELECT * FROM keys WHERE id = ?').get(id) as KeyRow | undefined;
  }

  list(filter: KeyFilter & { hash?: string }, sort: KeySort, limit: number, offset: number) {
    const { where, params } = whereClause(filter);
    const desc = sort.startsWith('-');
    const column = SORT_COLUMNS[desc ? sort.slice(1) : sort] ?? 'created_at';
    const order = `${column} ${desc ? 'DESC' : 'ASC'} NULLS LAST, id ${desc ? 'DESC' : 'ASC'}`;
    const rows = this.stmt(`SELECT * FROM keys ${where} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...params, limit, offset) as KeyRow[];
    const { total } = this.stmt(`SELECT COUNT(*) AS total FROM keys ${where}`).get(...params) as { total: number };
    return { rows, total };
  }

  /** Every row matching the filter, oldest first (export, check jobs). */
  all(filter: KeyFilter & { refreshable?: boolean }): KeyRow[] {
    const { where, params } = whereClause(filter);
    return this.stmt(`SELECT * FROM keys ${where} ORDER BY id`).all(...params) as KeyRow[];
  }

  /**
   * The pool's columns of every key, or of these ids, a page at a time (pool-rows.ts): loading
   * 100,000 keys never holds them all as rows at once (read at once, whole rows, they made a start's
   * memory peak at 620-760 MiB).
   */
  poolRows(ids?: readonly number[]): Generator<PoolRow> {
    return readPoolRows((sql) => this.stmt(sql), ids);
  }

  /**
   * The ids that exist, in order. The list travels as one JSON parameter: an `IN (?, ?, …)` list
   * stops at SQLite's 32,766 parameters, and the bulk actions accept 100,000 ids.
   */
  existingIds(ids: number[]): number[] {
    if (ids.length === 0) return [];
    const rows = this.stmt('SELECT id FROM keys WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(ids));
    return (rows as { id: number }[]).map((r) => r.id);
  }

  /** The stored keys among these hashes: hash → id (one JSON parameter, as in existingIds). */
  idsByHash(hashes: string[]): Map<string, number> {
    if (hashes.length === 0) return new Map();
    const rows = this.stmt('SELECT key_hash AS hash, id FROM keys WHERE key_hash IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(hashes),
    ) as { hash: string; id: number }[];
    return new Map(rows.map((r) => [r.hash, r.id]));
  }

  update(id: number, patch: KeyPatch): boolean {
    const stmt = this.stmt(
      `UPDATE keys SET enabled = COALESCE(@enabled, enabled), note = COALESCE(@note, note),
         account = CASE WHEN @setAccount THEN @account ELSE account END,
         account_source = CASE WHEN @setAccount THEN @source ELSE account_source END
       WHERE id = @id`,
    );
    const info = this.history.track([id], BY_SWITCH, () =>
      stmt.run({
        id,
        enabled: patch.enabled === undefined ? null : Number(patch.enabled),
        note: patch.note ?? null,
        setAccount: Number(patch.account !== undefined),
        account: patch.account ?? null,
        source: patch.account ? 'admin' : null,
      }),
    );
    if (info.changes > 0) this.changed([id]);
    return info.changes > 0;
  }

  setEnabled(ids: number[], enabled: boolean): number {
    const stmt = this.stmt('UPDATE keys SET enabled = ? WHERE id = ?');
    const count = this.history.track(ids, BY_SWITCH, () => ids.reduce((n, id) => n + stmt.run(Number(enabled), id).changes, 0));
    this.changed(ids);
    return count;
  }

  delete(ids: number[]): number {
    const stmt = this.stmt('DELETE FROM keys WHERE id = ?');
    const count = this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0))();
    this.changed(ids);
    return count;
  }

  /**
   * A check's verdict. Balances from user/info become an exact anchor (the spend before it is past);
   * a check that could not read balances (user/info retired) leaves the ledger's estimate alone.
   * An account user/info named is stored (account-store.ts, learn); returns the one it replaced.
   */
  recordCheck(id: number, result: CheckResult, now = Date.now(), source: EventSource = 'check'): StoredAccount | null {
    const replaced = this.history.track([id], checkVerdict(source, result.error), () => this.writeCheck(id, result, now), now);
    this.changed([id], 'check');
    return replaced;
  }

  /** A check that could not tell (SiliconFlow overloaded: classify.ts) keeps the status; returns the account it replaced. */
  private writeCheck(id: number, result: CheckResult, now: number): StoredAccount | null {
    if (result.undecided) {
      this.stmt('UPDATE keys SET last_error = ?, last_checked_at = ? WHERE id = ?').run(result.error, now, id);
      return null;
    }
    this.stmt(`UPDATE keys SET status = ?, last_error = ?, last_checked_at = ?, cooling_until = NULL WHERE id = ?`).run(
      result.status,
      result.error,
      now,
      id,
    );
    if (result.balances) this.writeAnchor([id], result.balances.gift, result.balances.charge, 'user-info', now);
    return result.account === undefined ? null : this.accounts.learn(id, result.account);
  }

  /**
   * New anchors for these keys: what is known of their gift and paid credit now, and from whom. Paid
   * credit known to be there ends "lacks paid credit" at once (a top-up is found without waiting).
   */
  setAnchors(ids: number[], gift: Nano | null, paid: Nano | null, source: AnchorSource, now = Date.now()): number {
    const count = this.history.track(ids, balanceSet(source), () => this.writeAnchor(ids, gift, paid, source, now), now);
    this.changed(ids);
    return count;
  }

  /** New anchors with a balance each (an import's, or one credit set beside each key's estimate), in one transaction. */
  setAnchorsEach(anchors: { id: number; gift: Nano | null; paid: Nano | null }[], source: AnchorSource, now = Date.now()): number {
    const ids = anchors.map((a) => a.id);
    const write = () => anchors.reduce((n, a) => n + this.writeAnchor([a.id], a.gift, a.paid, source, now), 0);
    const count = this.history.track(ids, balanceSet(source), write, now);
    this.changed(ids);
    return count;
  }

  /**
   * Adds a top-up of `amount` paid credit to these keys' estimates (unknown gift credit stays unknown).
   * An exhausted key is tried again: the admin says it has money; a real 30001 would say otherwise.
   */
  recordTopUp(ids: number[], amount: Nano, now = Date.now()): number {
    const stmt = this.stmt(
      `UPDATE keys SET anchor_gift_nano = ${GIFT_NOW}, anchor_paid_nano = COALESCE(${PAID_NOW}, 0) + ?,
         anchor_at = ?, anchor_source = 'top-up', spent_gift_nano = 0, spent_paid_nano = 0, spent_unsplit_nano = 0,
         lacks_paid = 0, lacks_paid_at = NULL, ${UNEXHAUST}
       WHERE id = ?`,
    );
    const count = this.history.track(ids, BY_TOP_UP, () => ids.reduce((n, id) => n + stmt.run(amount, now, id).changes, 0), now);
    this.changed(ids);
    return count;
  }

  private writeAnchor(ids: number[], gift: Nano | null, paid: Nano | null, source: AnchorSource, now: number): number {
    const stmt = this.stmt(
      `UPDATE keys SET anchor_gift_nano = ?, anchor_paid_nano = ?, anchor_at = ?, anchor_source = ?,
         spent_gift_nano = 0, spent_paid_nano = 0, spent_unsplit_nano = 0,
         lacks_paid = CASE WHEN ? > 0 THEN 0 ELSE lacks_paid END,
         lacks_paid_at = CASE WHEN ? > 0 THEN NULL ELSE lacks_paid_at END,
         status = CASE WHEN ? > 0 AND status = 'exhausted' THEN 'active' ELSE status END
       WHERE id = ?`,
    );
    const some = (gift ?? 0) + (paid ?? 0);
    return ids.reduce((n, id) => n + stmt.run(gift, paid, now, source, paid ?? 0, paid ?? 0, some, id).changes, 0);
  }

  /**
   * The proxy's write-behind: one transaction, counters and spend added as deltas, no change event.
   * A learned anchor goes first, and only over the anchor it replaced; spend is added only while the
   * anchor it was made against is still stored — an anchor the admin or a check set meanwhile is
   * never polluted by spend from before it (docs/ledger.md).
   */
  applyProxyUpdates(updates: ProxyKeyUpdate[]): void {
    const anchor = this.stmt(
      `UPDATE keys SET anchor_gift_nano = @gift, anchor_paid_nano = @paid, anchor_at = @at, anchor_source = 'signal',
         spent_gift_nano = 0, spent_paid_nano = 0, spent_unsplit_nano = 0
       WHERE id = @id AND anchor_at IS @replacesAt AND anchor_source IS @replacesSource`,
    );
    const stands = 'anchor_at IS @againstAt AND anchor_source IS @againstSource';
    const state = this.stmt(
      `UPDATE keys SET status = @status, lacks_paid = @lacksPaid, lacks_paid_at = @lacksPaidAt,
         paid_found_at = COALESCE(@paidFoundAt, paid_found_at),
         usage_count = usage_count + @usageDelta, failure_count = failure_count + @failureDelta,
         last_used_at = COALESCE(@lastUsedAt, last_used_at),
         last_error = CASE WHEN @setError THEN @lastError ELSE last_error END,
         spent_gift_nano = spent_gift_nano + CASE WHEN ${stands} THEN @spentGift ELSE 0 END,
         spent_paid_nano = spent_paid_nano + CASE WHEN ${stands} THEN @spentPaid ELSE 0 END,
         spent_unsplit_nano = spent_unsplit_nano + CASE WHEN ${stands} THEN @spentUnsplit ELSE 0 END
       WHERE id = @id`,
    );
    this.history.track(
      updates.map((u) => u.id),
      proxyVerdict(updates),
      () => {
        for (const u of updates) {
          if (u.anchor) {
            const { gift, paid, at, replaces } = u.anchor;
            anchor.run({ id: u.id, gift, paid, at, replacesAt: replaces.at, replacesSource: replaces.source });
          }
          const spend = u.spend ?? NO_SPEND;
          state.run({
            id: u.id,
            status: u.status,
            lacksPaid: Number(u.lacksPaidAt !== null),
            lacksPaidAt: u.lacksPaidAt,
            paidFoundAt: u.paidFoundAt ?? null,
            usageDelta: u.usageDelta,
            failureDelta: u.failureDelta,
            lastUsedAt: u.lastUsedAt,
            setError: Number(u.lastError !== undefined),
            lastError: u.lastError ?? null,
            againstAt: spend.against.at,
            againstSource: spend.against.source,
            spentGift: spend.gift,
            spentPaid: spend.paid,
            spentUnsplit: spend.unsplit,
          });
        }
      },
    );
  }

  countsByStatus(): { status: PublicStatus; count: number }[] {
    return this.stmt(
      `SELECT CASE WHEN enabled = 0 THEN 'disabled' ELSE status END AS status, COUNT(*) AS count
       FROM keys GROUP BY 1`,
    ).all() as { status: PublicStatus; count: number }[];
  }

  /**
   * Sums over keys whose balance is known, and how many are unknown. `usable` counts only money the
   * pool can spend now: enabled keys whose last check found them active.
   */
  balanceTotals(): BalanceTotals {
    return this.stmt(
      `SELECT COALESCE(SUM(CASE WHEN ${TOTAL_NOW} IS NOT NULL THEN ${GIFT_NOW} END), 0) AS gift,
              COALESCE(SUM(CASE WHEN ${TOTAL_NOW} IS NOT NULL THEN ${PAID_NOW} END), 0) AS charge,
              COALESCE(SUM(${TOTAL_NOW}), 0) AS total,
              COALESCE(SUM(CASE WHEN enabled = 1 AND status = 'active' THEN ${TOTAL_NOW} END), 0) AS usable,
              COUNT(${TOTAL_NOW}) AS known, COUNT(*) - COUNT(${TOTAL_NOW}) AS unknown
       FROM keys`,
    ).get() as BalanceTotals;
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }
}

function whereClause(filter: KeyFilter & { hash?: string; refreshable?: boolean }) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status === 'disabled') clauses.push('enabled = 0');
  else if (filter.status) {
    clauses.push('enabled = 1 AND status = ?');
    params.push(filter.status satisfies KeyStatus);
  }
  // What the scheduled refresh checks: enabled keys that are not known to be dead.
  if (filter.refreshable) clauses.push("enabled = 1 AND status != 'invalid'");
  if (filter.account === NO_ACCOUNT) clauses.push('account IS NULL');
  else if (filter.account !== undefined) {
    clauses.push('account = ?');
    params.push(filter.account);
  }
  if (filter.hash) {
    clauses.push('key_hash = ?');
    params.push(filter.hash);
  } else if (filter.q) {
    clauses.push("(masked LIKE ? ESCAPE '\\' OR note LIKE ? ESCAPE '\\')");
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    params.push(like, like);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * A key just inserted, as POOL_COLUMNS read it: the columns' defaults (migrations 0001, 0004, 0008)
 * besides its id and cipher. tests/integration/key-store-new-rows.test.ts reads such rows back to
 * hold this to the schema.
 */
function newPoolRow(id: number, cipher: Buffer): PoolRow {
  return {
    id,
    key_cipher: cipher,
    enabled: 1,
    status: 'active',
    anchor_gift_nano: null,
    anchor_paid_nano: null,
    anchor_at: null,
    anchor_source: null,
    spent_gift_nano: 0,
    spent_paid_nano: 0,
    spent_unsplit_nano: 0,
    lacks_paid_at: null,
    usage_count: 0,
    failure_count: 0,
    last_used_at: null,
    account: null,
  };
}
