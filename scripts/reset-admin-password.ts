/**
 * npm run reset-admin-password — for an admin who forgot the password: forgets the stored password
 * so ADMIN_PASSWORD (from .env or the environment; "admin" when unset) is in force again, and signs
 * out every session. Safe while the server runs.
 */
import { join } from 'node:path';
import { AdminAuth } from '../src/auth/admin-auth.js';
import { loadEnvFile } from '../src/config/env-file.js';
import { ConfigError, loadConfig } from '../src/config/env.js';
import { AppState } from '../src/db/app-state.js';
import { DATABASE_FILE, openExistingDatabase } from '../src/db/database.js';
import { SqliteSessionStore } from '../src/db/session-store.js';

try {
  loadEnvFile();
  const config = loadConfig(process.env);
  const db = openExistingDatabase(join(config.dataDir, DATABASE_FILE));
  new AdminAuth(new AppState(db), config.adminUsername, config.adminPassword).resetPassword();
  new SqliteSessionStore(db).clear();
  db.close();
  console.log(`The admin password is ADMIN_PASSWORD again (user "${config.adminUsername}"); every session was signed out.`);
  console.log('管理员密码已恢复为 ADMIN_PASSWORD 的值；所有登录会话已退出。');
} catch (err) {
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Cannot reset: ${(err as Error).message}`);
  process.exit(1);
}
