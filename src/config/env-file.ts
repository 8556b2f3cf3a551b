import dotenv from 'dotenv';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fsReason } from '../fs-errors.js';
import { projectRoot } from '../paths.js';
import { ConfigError } from './env.js';

/**
 * Names the settings file to read instead of <project>/.env (relative to the project folder);
 * "off" reads none. Set in the environment only: it says which file to read, so it cannot sit in one.
 * The tests set it to "off", so a developer's customised .env never reaches them.
 */
export const ENV_FILE = 'ENV_FILE';

/**
 * The one place that reads .env: for the server (launch.ts), npm run backup and npm run
 * reset-admin-password. A variable already in the environment wins over the file. A missing .env
 * is fine (every setting has a default); a named file that is missing, or any file that cannot be
 * read, is a ConfigError naming it. Returns the file read, if any.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, root = projectRoot): string | undefined {
  const named = env[ENV_FILE]?.trim() || undefined;
  if (named === 'off') return undefined;
  const file = resolve(root, named ?? '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (!named && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(
      named ? `${ENV_FILE} names ${file}, which cannot be read: ${fsReason(err)}` : `cannot read ${file}: ${fsReason(err)}`,
    );
  }
  for (const [name, value] of Object.entries(dotenv.parse(text))) {
    if (env[name] === undefined) env[name] = value;
  }
  return file;
}
