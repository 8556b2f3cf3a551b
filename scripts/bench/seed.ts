/**
 * Fills a fresh data folder with N pool keys through the app's own import (the admin's paste path:
 * parse, encrypt, insert), before the server starts, so the server loads them into its pool at start.
 */
import { ALERT_EVENTS } from '../../src/alerts/alert-types.js';
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import type { ClientSettings } from '../../src/clients/client-types.js';
import { parseYuan } from '../../src/ledger/money.js';
import { silentLogger } from '../../src/logger.js';
import { CoolingStore } from '../../src/proxy/pool/cooling-store.js';

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

/**
 * The rest of the everything-on case's data (features.ts): each key's account (`accountOf(i)`,
 * written beside the key as an admin's paste does), accounts cooling for a model as a SiliconFlow
 * 429 leaves them (the `account_cooling` rows the server reads back at start), and the alert rules
 * switched off (the admin's switch, through the rules' service).
 */
export type SeedExtras = {
  accountOf?: (i: number) => string;
  cooling?: { accounts: readonly string[]; model: string; until: number };
  alertsOff?: boolean;
};

/** Pool keys, and client keys when asked (made through the admin's service; their keys are returned, shown once as always). */
export async function seedKeys(
  env: SeedEnv,
  count: number,
  clients?: SeedClients,
  extras: SeedExtras = {},
): Promise<{ added: number; ms: number; clientKeys: string[] }> {
  const started = performance.now();
  const ctx = createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }), { logger: silentLogger });
  try {
    const { accountOf } = extras;
    const text = Array.from({ length: count }, (_, i) => (accountOf ? `${benchKey(i)} account=${accountOf(i)}` : benchKey(i))).join('\n');
    const { added } = ctx.keys.import(text);
    if (added !== count) throw new Error(`seeding ${env.DATA_DIR}: expected ${count} new keys, the import added ${added}`);
    const clientKeys = Array.from({ length: clients?.count ?? 0 }, (_, i) => ctx.clients.create(benchClient(i, clients!)).key);
    const { cooling } = extras;
    if (cooling) {
      const reason = 'Request was rejected due to rate limiting. Details: RPD limit reached.';
      new CoolingStore(ctx.db).save(
        cooling.accounts.map((account) => ({ account, model: cooling.model, until: cooling.until, limit: 'RPD', reason })),
      );
    }
    if (extras.alertsOff) for (const event of ALERT_EVENTS) ctx.alertRules.update(event, { enabled: false });
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
