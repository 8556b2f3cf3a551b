import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentUser, DATA_SECTION, DataError, fsReason } from '../fs-errors.js';
import { ConfigError, type Config } from './env.js';

export type Secrets = { sessionSecret: string; encryptionKey: Buffer };

export const SECRETS_FILE = 'secrets.json';

/** Reads ENCRYPTION_KEY: 32 bytes written as 64 hex characters or as base64. */
export function parseEncryptionKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const decoded = Buffer.from(value, 'base64');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && decoded.length === 32) return decoded;
  throw new ConfigError('ENCRYPTION_KEY must be 32 bytes written as 64 hex characters or as base64');
}

/**
 * SESSION_SECRET and ENCRYPTION_KEY come from the environment when given; otherwise they are
 * generated once and kept in DATA_DIR/secrets.json (mode 0600), so a restart keeps sessions and
 * can still decrypt the stored keys. The data folder exists already (prepareDataDir).
 */
export function loadSecrets(config: Config): Secrets {
  const file = join(config.dataDir, SECRETS_FILE);
  const stored = readStored(file);
  // Generate only what neither the environment nor the file provides; never store a value the environment gives.
  const missing = {
    sessionSecret: config.sessionSecret || stored.sessionSecret ? undefined : randomBytes(32).toString('hex'),
    encryptionKey: config.encryptionKey || stored.encryptionKey ? undefined : randomBytes(32).toString('hex'),
  };
  if (missing.sessionSecret || missing.encryptionKey) {
    const next = { ...stored, ...Object.fromEntries(Object.entries(missing).filter(([, v]) => v)) };
    try {
      writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      throw new DataError(`cannot write ${file}: ${fsReason(err)}; the server runs as ${currentUser()}; ${DATA_SECTION}`);
    }
  }
  return {
    sessionSecret: config.sessionSecret ?? stored.sessionSecret ?? missing.sessionSecret!,
    encryptionKey: parseEncryptionKey(config.encryptionKey ?? stored.encryptionKey ?? missing.encryptionKey!),
  };
}

const WHY_IT_MATTERS = 'it holds the key that decrypts the stored API keys';

/**
 * The stored secrets; none when the file does not exist yet. A file that exists but cannot be read
 * is never taken for a missing one (that would generate a new key and orphan every stored key), and
 * the message never suggests removing it.
 */
function readStored(file: string): { sessionSecret?: string; encryptionKey?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DataError(`cannot read ${file} (${WHY_IT_MATTERS}): ${fsReason(err)}; the server runs as ${currentUser()}; ${DATA_SECTION}`);
  }
  const data = parseObject(text);
  if (!data) throw new DataError(`${file} is not valid JSON: fix it, or restore it from a backup (${WHY_IT_MATTERS}); ${DATA_SECTION}`);
  return {
    sessionSecret: typeof data.sessionSecret === 'string' ? data.sessionSecret : undefined,
    encryptionKey: typeof data.encryptionKey === 'string' ? data.encryptionKey : undefined,
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
