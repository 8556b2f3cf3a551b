/**
 * Fills a fresh data folder with N pool keys through the app's own import (the admin's paste path:
 * parse, encrypt, insert), before the server starts, so the server loads them into its pool at start.
 */
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import type { ClientSettings } from '../../src/clients/client-types.js';
import { parseYuan } from '../../src/ledger/money.js';
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

/** Client keys to make beside the pool keys, each with the same limits (the benchmark's client-key run). */
export type SeedClients = { count: number; rpm: number; dayBudgetYuan: string };

/** Pool keys, and client keys when asked (made through the admin's service; their keys are returned, shown once as always). */
export async function seedKeys(
  env: SeedEnv,
  count: number,
  clients?: SeedClients,
): Promise<{ added: number; ms: number; clientKeys: string[] }> {
  const started = performance.now();
  const ctx = createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: silentLogger });
  try {
    const text = Array.from({ length: count }, (_, i) => benchKey(i)).join('\n');
    const { added } = ctx.keys.import(text);
    if (added !== count) throw new Error(`seeding ${env.DATA_DIR}: expected ${count} new keys, the import added ${added}`);
    const clientKeys = Array.from({ length: clients?.count ?? 0 }, (_, i) => ctx.clients.create(benchClient(i, clients!)).key);
    return { added, ms: performance.now() - started, clientKeys };
  } finally {
    await ctx.close();
  }
}

function benchClient(i: number, c: SeedClients): ClientSettings {
  return {
    name: `bench client ${i}`,
    note: '',
    enabled: true,
    expiresAt: null,
    models: [],
    freeOnly: false,
    budgets: { day: parseYuan(c.dayBudgetYuan)!, month: null, total: null },
    rpm: c.rpm,
    maxConcurrent: null,
    allowedIps: [],
  };
}
