/**
 * Fills a fresh data folder with N pool keys through the app's own import (the admin's paste path:
 * parse, encrypt, insert), before the server starts, so the server loads them into its pool at start.
 */
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { silentLogger } from '../../src/logger.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The i-th benchmark key: `sk-` + 48 lowercase letters, unique per i (i in base 26), always the same. */
export function benchKey(i: number): string {
  let digits = '';
  for (let n = i, k = 0; k < 8; k++, n = Math.floor(n / 26)) digits += LETTERS[n % 26];
  return `sk-bench${digits}${'x'.repeat(35)}`;
}

/** The settings the seeding and the server must agree on; the rest is the server's own. */
export type SeedEnv = { DATA_DIR: string; SILICONFLOW_BASE_URL: string; ENCRYPTION_KEY: string; AUTH_API_KEY: string };

export async function seedKeys(env: SeedEnv, count: number): Promise<{ added: number; ms: number }> {
  const started = performance.now();
  const ctx = createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: silentLogger });
  try {
    const text = Array.from({ length: count }, (_, i) => benchKey(i)).join('\n');
    const { added } = ctx.keys.import(text);
    if (added !== count) throw new Error(`seeding ${env.DATA_DIR}: expected ${count} new keys, the import added ${added}`);
    return { added, ms: performance.now() - started };
  } finally {
    await ctx.close();
  }
}
