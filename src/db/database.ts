import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { currentUser, DATA_SECTION, DataError, fsReason } from '../fs-errors.js';
import { migrations } from './migrations/index.js';

export type Db = Database.Database;

/** The database's file in DATA_DIR: the server, the backup and the password reset all open this one. */
export const DATABASE_FILE = 'siliconflow.db';

/** Opens (creating when missing) the database, sets its pragmas and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') createFile(file);
  let db: Db | undefined;
  try {
    db = new Database(file);
    // WAL: readers never block the writer, so the admin pages stay fast while checks write.
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A second connection (the backup script) may briefly hold the lock: wait instead of failing.
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw databaseError(err, file);
  }
}

/**
 * For the scripts that work on the server's data (backup, reset-admin-password): a DATA_DIR without
 * a database is a mistake to report, not an empty database to create.
 */
export function openExistingDatabase(file: string): Db {
  try {
    statSync(file);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DataError(
      `${missing ? 'there is no database at' : 'cannot reach the database'} ${file}: ${fsReason(err)}; check DATA_DIR; ${DATA_SECTION}`,
    );
  }
  return openDatabase(file);
}

/**
 * Creates the file when missing: private (0600) — SQLite gives the -wal and -shm files the
 * database's mode, and would create it 0644 itself — and so that an unusable path is reported with
 * the file system's own reason (SQLite's is only "unable to open").
 */
function createFile(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  } catch (err) {
    throw new DataError(`cannot open the database ${file}: ${fsReason(err)}; the server runs as ${currentUser()}; ${DATA_SECTION}`);
  }
}

/** What SQLite's result code (better-sqlite3's `code`, e.g. SQLITE_NOTADB or SQLITE_READONLY_DBMOVED) says about the file. */
const SQLITE_PROBLEMS: { code: string; problem: string; restore: boolean }[] = [
  { code: 'SQLITE_NOTADB', problem: 'is damaged or is not a database', restore: true },
  { code: 'SQLITE_CORRUPT', problem: 'is damaged or is not a database', restore: true },
  { code: 'SQLITE_READONLY', problem: 'is read-only', restore: false },
  { code: 'SQLITE_CANTOPEN', problem: 'cannot be opened', restore: false },
  { code: 'SQLITE_FULL', problem: 'cannot grow: the disk is full', restore: false },
  { code: 'SQLITE_IOERR', problem: 'cannot be read or written (a disk error)', restore: false },
];

function databaseError(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return err;
  const known = SQLITE_PROBLEMS.find((p) => code === p.code || code.startsWith(`${p.code}_`));
  if (!known) return err;
  const advice = known.restore ? 'restore it from a backup' : `the server runs as ${currentUser()}`;
  return new DataError(`the database ${file} ${known.problem} (${code}): ${advice}; ${DATA_SECTION}`);
}

/** Applies every migration past PRAGMA user_version, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the database is at schema version ${current}, newer than this program (${migrations.length}): upgrade the program`);
  }
  migrations.slice(current).forEach((migration, i) => {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
  return migrations.length;
}
