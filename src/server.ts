import dotenv from 'dotenv';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/env.js';
import { createContext, type AppContext } from './context.js';
import { projectRoot } from './paths.js';
import { runServer } from './server-runtime.js';

/** The only place that reads process.env and listens. A bad setting exits at once with one line. */
function main() {
  dotenv.config({ path: join(projectRoot, '.env'), quiet: true });
  let ctx: AppContext;
  try {
    ctx = createContext(loadConfig(process.env));
  } catch (err) {
    // One line, no stack: a bad setting, an unreadable data folder, a database from a newer version.
    console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Cannot start: ${(err as Error).message}`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
    process.exit(1);
  }
  runServer(ctx);
}

main();
