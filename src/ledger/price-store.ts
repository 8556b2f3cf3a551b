import type { Db } from '../db/database.js';

/** A price the admin set or added, as stored: the price text is JSON the service validates when it reads it. */
export type StoredPrice = { model: string; json: string; updatedAt: number };

/** Plain SQL over the `prices` table (migration 0004): the admin's prices, which win over the shipped table. */
export class PriceStore {
  private readonly allStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly clearStmt;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare<[], { model: string; json: string; updatedAt: number }>(
      'SELECT model, price AS json, updated_at AS updatedAt FROM prices ORDER BY model',
    );
    this.putStmt = db.prepare<[string, string, number]>(
      `INSERT INTO prices (model, price, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (model) DO UPDATE SET price = excluded.price, updated_at = excluded.updated_at`,
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM prices WHERE model = ?');
    this.clearStmt = db.prepare('DELETE FROM prices');
  }

  all(): StoredPrice[] {
    return this.allStmt.all();
  }

  put(model: string, json: string, now: number): void {
    this.putStmt.run(model, json, now);
  }

  /** False when the model had no admin price. */
  delete(model: string): boolean {
    return this.deleteStmt.run(model).changes > 0;
  }

  /** The admin's prices become exactly these, in one transaction (an import). */
  replaceAll(entries: { model: string; json: string }[], now: number): void {
    this.db.transaction(() => {
      this.clearStmt.run();
      for (const e of entries) this.putStmt.run(e.model, e.json, now);
    })();
  }
}
