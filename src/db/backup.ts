import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SECRETS_FILE } from '../config/secrets.js';
import { DATABASE_FILE, openExistingDatabase } from './database.js';

/**
 * A consistent copy of the database while the server runs (SQLite's online backup API), plus
 * secrets.json — without it the copied keys could not be decrypted. Returns the backup folder,
 * private to the user running this (0700, files 0600) like the data folder itself.
 */
export async function backupDataDir(dataDir: string, targetRoot: string, now = new Date()): Promise<string> {
  const target = join(targetRoot, `backup-${now.toISOString().replace(/[:.]/g, '-')}`);
  // Opened first: a DATA_DIR without a database is reported, not given a backups/ folder.
  const db = openExistingDatabase(join(dataDir, DATABASE_FILE));
  try {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    await db.backup(join(target, DATABASE_FILE));
  } finally {
    db.close();
  }
  chmodSync(join(target, DATABASE_FILE), 0o600);
  const secrets = join(dataDir, SECRETS_FILE);
  if (existsSync(secrets)) {
    copyFileSync(secrets, join(target, SECRETS_FILE));
    chmodSync(join(target, SECRETS_FILE), 0o600);
  }
  return target;
}
