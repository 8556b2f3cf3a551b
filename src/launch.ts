import type { Server } from 'node:http';
import { loadEnvFile } from './config/env-file.js';
import { ConfigError, loadConfig } from './config/env.js';
import { createContext, type AppContext } from './context.js';
import { runServer } from './server-runtime.js';

/**
 * Reads .env (see loadEnvFile; the environment wins over it), builds the context and listens. A bad
 * setting, an unusable data folder or a database from a newer version exits at once with one line,
 * no stack.
 * Called by server.ts (`npm start`, Docker, systemd) and by the packaged scripts/start-direct.js.
 */
export function launch(): Server {
  let ctx: AppContext;
  try {
    loadEnvFile();
    ctx = createContext(loadConfig(process.env));
  } catch (err) {
    console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Cannot start: ${(err as Error).message}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
    process.exit(1);
  }
  // npm sets npm_lifecycle_event for the scripts it runs: under `npm start`, stop along with npm (parent-watch.ts).
  return runServer(ctx.serverDeps, { stopWithParent: process.env.npm_lifecycle_event !== undefined });
}
