import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** Opens (creating when missing) the database, sets its pragmas and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers never block the writer, so the admin pages stay fast while checks write.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A second connection (the backup script) may briefly hold the lock: wait instead of failing.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies every migration past PRAGMA user_version, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `the database is at schema version ${current}, newer than this program (${migrations.length}): upgrade the program`,
    );
  }
  migrations.slice(current).forEach((migration, i) => {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return migrations.length;
}
