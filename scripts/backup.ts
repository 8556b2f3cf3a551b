/**
 * npm run backup [target folder] — copies the database (consistently, while the server runs) and
 * secrets.json into DATA_DIR/backups/backup-<time>/ or the given folder. Restore: stop the server,
 * put both files back into DATA_DIR, start it.
 */
import { join, resolve } from 'node:path';
import { loadEnvFile } from '../src/config/env-file.js';
import { ConfigError, loadConfig } from '../src/config/env.js';
import { backupDataDir } from '../src/db/backup.js';

try {
  loadEnvFile();
  const config = loadConfig(process.env);
  const targetRoot = process.argv[2] ? resolve(process.argv[2]) : join(config.dataDir, 'backups');
  const folder = await backupDataDir(config.dataDir, targetRoot);
  console.log(`Backup written to ${folder}`);
  console.log(`备份已写入 ${folder}（包含数据库和 secrets.json，请妥善保管）`);
} catch (err) {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Backup failed: ${(err as Error).message}`);
  process.exit(1);
}
