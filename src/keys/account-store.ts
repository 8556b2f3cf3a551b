import type { Db } from '../db/database.js';
import type { StatementCache } from '../db/statement-cache.js';
import type { Nano } from '../ledger/money.js';
import { TOTAL_NOW } from './key-store.js';
import type { AccountSource } from './key-types.js';

/** A key's account as stored (null: not known) and where it came from. */
export type StoredAccount = { account: string | null; source: AccountSource | null };
/** One account's keys (account null: the keys whose account is not known), with their known money in n¥. */
export type AccountTotals = { account: string | null; keys: number; usable: number; total: Nano | null; balanceKnown: number };

/**
 * Which SiliconFlow account each key belongs to (the `account` and `account_source` columns): the
 * part of the keys table that SiliconFlow's limits are counted on. Writes are announced through the
 * key store's `changed` event, so the pool learns them at once.
 */
export class AccountStore {
  constructor(
    private readonly db: Db,
    private readonly statements: StatementCache,
    private readonly announce: (ids: number[]) => void,
  ) {}

  /** The admin sets (or, with null, clears) the account of these keys. */
  set(ids: number[], account: string | null): number {
    return this.setEach(
      ids.map((id) => ({ id, account })),
      'admin',
    );
  }

  /** An account each, from `source`; a null account clears it. One transaction. */
  setEach(accounts: { id: number; account: string | null }[], source: AccountSource): number {
    const stmt = this.statements.get('UPDATE keys SET account = ?, account_source = ? WHERE id = ?');
    const count = this.db.transaction(() =>
      accounts.reduce((n, a) => n + stmt.run(a.account, a.account === null ? null : source, a.id).changes, 0),
    )();
    this.announce(accounts.map((a) => a.id));
    return count;
  }

  /**
   * What a check's user/info named (its data.id). It is SiliconFlow's own word, so it replaces what
   * the admin or an import said. Not announced: the check's own change event carries it. Returns
   * the account it replaced, when there was another one.
   */
  learn(id: number, account: string): StoredAccount | null {
    const before = this.statements.get('SELECT account, account_source AS source FROM keys WHERE id = ?').get(id) as
      StoredAccount | undefined;
    if (!before || (before.account === account && before.source === 'user-info')) return null;
    this.statements.get("UPDATE keys SET account = ?, account_source = 'user-info' WHERE id = ?").run(account, id);
    return before.account !== null && before.account !== account ? before : null;
  }

  /** Keys, usable keys (enabled and active) and known balance per account, the unknown (null) included; largest first. */
  totals(): AccountTotals[] {
    return this.statements
      .get(
        `SELECT account, COUNT(*) AS keys, SUM(CASE WHEN enabled = 1 AND status = 'active' THEN 1 ELSE 0 END) AS usable,
                SUM(${TOTAL_NOW}) AS total, COUNT(${TOTAL_NOW}) AS balanceKnown
         FROM keys GROUP BY account ORDER BY account IS NULL, keys DESC, account`,
      )
      .all() as AccountTotals[];
  }
}
