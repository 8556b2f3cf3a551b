import Database from 'better-sqlite3';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createContext, type AppContext } from '../../src/context.js';
import { DATABASE_FILE } from '../../src/db/database.js';
import { backupDataDir } from '../../src/db/backup.js';
import { silentLogger } from '../../src/logger.js';

/**
 * Issue 9, item 9: the data folder holds the encrypted keys, the key that decrypts them
 * (secrets.json) and the sessions. It used to be created 0755 with a 0644 database, -wal and -shm
 * (and backups) — readable by every local user. Now the folder is 0700 and those files 0600, also on
 * installs made before: the start tightens them.
 */

const mode = (path: string) => statSync(path).mode & 0o777;
const roots: string[] = [];
const contexts: AppContext[] = [];
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function start(dataDir: string): AppContext {
  const ctx = createContext(loadConfig({ DATA_DIR: dataDir }), { logger: silentLogger });
  contexts.push(ctx);
  return ctx;
}

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfm-modes-'));
  roots.push(dir);
  return dir;
}

const PRIVATE_FILES = ['secrets.json', DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`];

describe.skipIf(process.platform === 'win32')('the data folder is private', () => {
  it('a new data folder is created 0700, the database, its -wal and -shm and secrets.json 0600', () => {
    const dataDir = join(root(), 'new', 'data');
    start(dataDir);
    expect(mode(dataDir).toString(8)).toBe('700');
    expect(readdirSync(dataDir).sort()).toEqual([...PRIVATE_FILES].sort());
    for (const file of PRIVATE_FILES) expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
  });

  it('an existing install with readable files is tightened at start', async () => {
    const dataDir = join(root(), 'data');
    await createContext(loadConfig({ DATA_DIR: dataDir }), { logger: silentLogger }).close();
    // A second connection keeps -wal and -shm in place, as after a crash or during a backup.
    const other = new Database(join(dataDir, DATABASE_FILE));
    other.pragma('journal_mode = WAL');
    other.exec('CREATE TABLE IF NOT EXISTS held (x)');
    try {
      chmodSync(dataDir, 0o755);
      for (const file of PRIVATE_FILES) chmodSync(join(dataDir, file), 0o644);
      start(dataDir);
      expect(mode(dataDir).toString(8)).toBe('700');
      for (const file of PRIVATE_FILES) expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
    } finally {
      other.close();
    }
  });

  it('npm run backup writes a 0700 folder with 0600 copies', async () => {
    const dataDir = join(root(), 'data');
    start(dataDir);
    const folder = await backupDataDir(dataDir, join(dataDir, 'backups'));
    expect(mode(join(dataDir, 'backups')).toString(8)).toBe('700');
    expect(mode(folder).toString(8)).toBe('700');
    expect(readdirSync(folder).sort()).toEqual(['secrets.json', DATABASE_FILE]);
    for (const file of readdirSync(folder)) expect(mode(join(folder, file)).toString(8), file).toBe('600');
  });
});
