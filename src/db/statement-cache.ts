import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Prepared statements for SQL built at run time (dynamic filters), prepared once per distinct text. */
export class StatementCache {
  private readonly cache = new Map<string, Statement<unknown[]>>();

  constructor(private readonly db: Db) {}

  get(sql: string): Statement<unknown[]> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[]>(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}
