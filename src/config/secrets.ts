import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from './env.js';

export type Secrets = { sessionSecret: string; encryptionKey: Buffer };

const FILE_NAME = 'secrets.json';

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
 * can still decrypt the stored keys.
 */
export function loadSecrets(config: Config): Secrets {
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, FILE_NAME);
  const stored = readStored(file);
  // Generate only what neither the environment nor the file provides; never store a value the environment gives.
  const missing = {
    sessionSecret: config.sessionSecret || stored.sessionSecret ? undefined : randomBytes(32).toString('hex'),
    encryptionKey: config.encryptionKey || stored.encryptionKey ? undefined : randomBytes(32).toString('hex'),
  };
  if (missing.sessionSecret || missing.encryptionKey) {
    const next = { ...stored, ...Object.fromEntries(Object.entries(missing).filter(([, v]) => v)) };
    writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    sessionSecret: config.sessionSecret ?? stored.sessionSecret ?? missing.sessionSecret!,
    encryptionKey: parseEncryptionKey(config.encryptionKey ?? stored.encryptionKey ?? missing.encryptionKey!),
  };
}

function readStored(file: string): { sessionSecret?: string; encryptionKey?: string } {
  if (!existsSync(file)) return {};
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return {
      sessionSecret: typeof data.sessionSecret === 'string' ? data.sessionSecret : undefined,
      encryptionKey: typeof data.encryptionKey === 'string' ? data.encryptionKey : undefined,
    };
  } catch {
    throw new ConfigError(`${file} is not valid JSON: fix or remove it (removing it makes stored keys unreadable)`);
  }
}
