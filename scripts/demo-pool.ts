/**
 * The demo's pool, as an admin would fill it (`npm run demo`, and the alerts' end-to-end test, which
 * builds a demo-like app the same way): the demo keys imported with the balances written beside them,
 * balances and a top-up set on others, then every key checked.
 */
import type { CheckService } from '../src/balance/check-service.js';
import type { KeyService } from '../src/keys/key-service.js';
import { parseYuan } from '../src/ledger/money.js';
import type { StatsService } from '../src/stats/stats-service.js';
import type { DemoEntry } from '../tests/support/fake-siliconflow/demo-keys.js';

/** The shapes a balance is written beside a key in pasted text: each demo key with a figure uses one. */
const FIGURE_SEPARATORS = [' ', '----', ','];

/** Checks the pool as the admin's "check all" does; returns the keys' statuses for the banner ("active 8, invalid 2"). */
export async function checkEveryKey(ctx: { checks: CheckService; stats: Pick<StatsService, 'pool'> }): Promise<string> {
  const { job } = ctx.checks.startFullCheck();
  await new Promise<void>((resolve) => (job.finished ? resolve() : job.on('progress', (p) => p.state !== 'running' && resolve())));
  return Object.entries(ctx.stats.pool().keys.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
}

/**
 * The demo keys into the pool as an admin would: one paste (a figure beside some keys), then the
 * balance set on others and a top-up recorded, a note here and there, the spare key switched off.
 */
export function seedPool(ctx: { keys: Pick<KeyService, 'import' | 'setBalance' | 'topUp' | 'update'> }, entries: DemoEntry[]): void {
  let figures = 0;
  const text = entries
    .map(({ key, via, gift }) => (via === 'import' ? `${key}${FIGURE_SEPARATORS[figures++ % FIGURE_SEPARATORS.length]}${gift}` : key))
    .join('\n');
  const { addedIds } = ctx.keys.import(text);
  entries.forEach((entry, i) => {
    const id = addedIds[i]!;
    const nano = (yuan: string | null) => (yuan === null ? 0 : parseYuan(yuan)!);
    if (entry.via === 'admin' || entry.via === 'top-up') {
      ctx.keys.setBalance(id, { gift: nano(entry.gift), paid: nano(entry.paid) - nano(entry.topUp) });
    }
    if (entry.topUp !== null) ctx.keys.topUp(id, nano(entry.topUp));
    if (entry.note !== null || !entry.enabled) ctx.keys.update(id, { note: entry.note ?? undefined, enabled: entry.enabled });
  });
}
