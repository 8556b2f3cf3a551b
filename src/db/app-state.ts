import type { Db } from './database.js';

/** Small named values the program keeps for itself (not admin settings): see migration 0001. */
export class AppState {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: Buffer | string }>('SELECT value FROM app_state WHERE name = ?');
    this.setStmt = db.prepare<[string, Buffer | string]>(
      'INSERT INTO app_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM app_state WHERE name = ?');
  }

  get(name: string): Buffer | string | undefined {
    return this.getStmt.get(name)?.value;
  }

  set(name: string, value: Buffer | string): void {
    this.setStmt.run(name, value);
  }

  delete(name: string): void {
    this.deleteStmt.run(name);
  }
}
