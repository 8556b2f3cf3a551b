import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import { RATE_LIMITS, type RateLimit } from '../../siliconflow/rate-limits.js';
import type { CoolingEntry } from './account-cooling.js';

type Row = { account: string; model: string; until: number; limit_name: string | null; reason: string };

/** The `account_cooling` table (migration 0009): the cool-downs that must outlive a restart. */
export class CoolingStore {
  private readonly upsert: Statement<[Row]>;
  private readonly live: Statement<[number], Row>;
  private readonly expired: Statement<[number]>;
  private readonly saveAll: (entries: readonly CoolingEntry[]) => void;

  constructor(db: Db) {
    this.upsert = db.prepare(
      `INSERT INTO account_cooling (account, model, until, limit_name, reason) VALUES (@account, @model, @until, @limit_name, @reason)
       ON CONFLICT (account, model) DO UPDATE SET until = excluded.until, limit_name = excluded.limit_name, reason = excluded.reason
       WHERE excluded.until > account_cooling.until`,
    );
    this.live = db.prepare('SELECT account, model, until, limit_name, reason FROM account_cooling WHERE until > ?');
    this.expired = db.prepare('DELETE FROM account_cooling WHERE until <= ?');
    this.saveAll = db.transaction((entries: readonly CoolingEntry[]) => {
      for (const e of entries)
        this.upsert.run({ account: e.account, model: e.model, until: e.until, limit_name: e.limit, reason: e.reason });
    });
  }

  /** Stores new cool-downs in one transaction; a longer one already stored stays. */
  save(entries: readonly CoolingEntry[]): void {
    if (entries.length) this.saveAll(entries);
  }

  /** The cool-downs not over at `now`. */
  all(now: number): CoolingEntry[] {
    return this.live
      .all(now)
      .map((r) => ({ account: r.account, model: r.model, until: r.until, limit: limitOf(r.limit_name), reason: r.reason }));
  }

  deleteExpired(now: number): void {
    this.expired.run(now);
  }
}

function limitOf(name: string | null): RateLimit | null {
  return RATE_LIMITS.includes(name as RateLimit) ? (name as RateLimit) : null;
}
