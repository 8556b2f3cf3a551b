import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/db/database.js';
import { runScript, startServer, tempDir, type SpawnOptions } from '../helpers/processes.js';

/**
 * Issue 9, item 13: a start that cannot use its data says which file or folder, why (by the error's
 * code), as whom, and where the README explains restoring. An unreadable secrets.json used to be
 * reported as "not valid JSON: fix or remove it" — and removing it loses every stored key.
 *
 * The tests run as root here, who reads and writes whatever the modes say. So: a folder where a file
 * is expected (EISDIR), a file where a folder is expected (ENOTDIR), and for "permission denied" the
 * server runs as the unprivileged user `nobody` (as a non-root user, the file's mode does it).
 */

const SECTION = 'see the README section "数据与备份 / Data and backups"';
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const posix = process.platform !== 'win32';

/** Starts the server on `dataDir` and returns its one line of error output. */
async function failedStart(dataDir: string, options: Omit<SpawnOptions, 'env'> = {}, env: Record<string, string> = {}) {
  const server = startServer({ DATA_DIR: dataDir, ...env }, options);
  const code = await server.exited;
  const { stdout, stderr } = server.output();
  expect(code, `the server started:\n${stdout}`).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).not.toMatch(/remov|delet/i);
  return lines[0]!;
}

const me = () => (posix ? `"${userInfo().username}" (uid ${process.getuid!()})` : `"${userInfo().username}"`);

/**
 * A data folder the test can make unreadable or unwritable for the server: as root, the server runs
 * as nobody, who owns the folder (so it can tighten it) but not the files the test puts in it.
 */
function foreignDataDir(ownedByServer: boolean): {
  dataDir: string;
  spawn: Omit<SpawnOptions, 'env'>;
  user: string;
  env: Record<string, string>;
} {
  const home = tempDir();
  chmodSync(home, 0o755);
  const dataDir = join(home, 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  if (!asRoot) return { dataDir, spawn: {}, user: me(), env: {} };
  if (ownedByServer) chownSync(dataDir, NOBODY, NOBODY);
  return { dataDir, spawn: { uid: NOBODY, gid: NOBODY }, user: `(uid ${NOBODY})`, env: { HOME: home } };
}

describe('a start that cannot use its data folder', () => {
  it('secrets.json that is a folder: "cannot read" with the path and the user, never "remove it"', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'secrets.json'));
    const line = await failedStart(dataDir);
    expect(line).toContain(`Cannot start: cannot read ${join(dataDir, 'secrets.json')}`);
    expect(line).toContain('it is a folder, not a file (EISDIR)');
    expect(line).toContain(`the server runs as ${me()}`);
    expect(line).toContain(SECTION);
  });

  it.skipIf(!posix)('secrets.json the server\'s user may not read: "cannot read … permission denied" naming that user', async () => {
    const { dataDir, spawn, user, env } = foreignDataDir(true);
    const secrets = join(dataDir, 'secrets.json');
    writeFileSync(secrets, JSON.stringify({ sessionSecret: 'x'.repeat(64), encryptionKey: 'a'.repeat(64) }), { mode: 0o600 });
    if (!asRoot) chmodSync(secrets, 0o000);
    const line = await failedStart(dataDir, spawn, env);
    expect(line).toContain(`Cannot start: cannot read ${secrets}`);
    expect(line).toContain('permission denied (EACCES)');
    expect(line).toContain(user);
    expect(line).toContain(SECTION);
  });

  it('secrets.json that is not JSON: fix it or restore it from a backup, never "remove it"', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'secrets.json'), '{ "sessionSecret": ');
    const line = await failedStart(dataDir);
    expect(line).toContain(`${join(dataDir, 'secrets.json')} is not valid JSON`);
    expect(line).toContain(SECTION);
  });

  it('a data folder that cannot be created (a part of its path is a file) names the folder', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    const dataDir = join(dir, 'a-file', 'data');
    const line = await failedStart(dataDir);
    expect(line).toBe(
      `Cannot start: cannot create the data folder ${dataDir}: a part of the path is a file, not a folder (ENOTDIR); the server runs as ${me()}; ${SECTION}`,
    );
  });

  it.skipIf(!posix)('a read-only data folder names the folder and the user', async () => {
    const { dataDir, spawn, user, env } = foreignDataDir(false);
    if (!asRoot) chmodSync(dataDir, 0o555);
    const line = await failedStart(dataDir, spawn, env);
    expect(line).toContain(`Cannot start: the data folder ${dataDir} is not writable: permission denied (EACCES); the server runs as`);
    expect(line).toContain(user);
    expect(line).toContain(SECTION);
  });

  it('a damaged database names the file and says to restore it from a backup', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, DATABASE_FILE), Buffer.alloc(8192, 'not a database '));
    const line = await failedStart(dataDir);
    expect(line).toBe(
      `Cannot start: the database ${join(dataDir, DATABASE_FILE)} is damaged or is not a database (SQLITE_NOTADB): restore it from a backup; ${SECTION}`,
    );
  });

  it('a folder where the database file should be names the file', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, DATABASE_FILE));
    const line = await failedStart(dataDir);
    expect(line).toContain(`Cannot start: cannot open the database ${join(dataDir, DATABASE_FILE)}: it is a folder, not a file (EISDIR)`);
    expect(line).toContain(SECTION);
  });
});

describe('npm run backup and npm run reset-admin-password on a missing data folder', () => {
  it.each([
    ['scripts/backup.ts', 'Backup failed'],
    ['scripts/reset-admin-password.ts', 'Cannot reset'],
  ])('%s says there is no database there, and creates nothing', async (script, prefix) => {
    const dataDir = join(tempDir(), 'not-there');
    const run = runScript(script, { DATA_DIR: dataDir });
    expect(await run.exited).toBe(1);
    const file = join(dataDir, DATABASE_FILE);
    expect(run.output().stderr.trim()).toBe(
      `${prefix}: there is no database at ${file}: it does not exist (ENOENT); check DATA_DIR; ${SECTION}`,
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});
