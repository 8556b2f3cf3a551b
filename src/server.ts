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
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Configuration error: ${err.message}`);
    process.exit(1);
  }
  runServer(ctx);
}

main();
