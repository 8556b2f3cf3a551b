/**
 * The ledger's cost on the /v1 hot path (issue 11: a Map lookup and arithmetic per request, within
 * noise): the same JSON load through the same warm server, with a priced model — the answer is
 * priced, charged to the key's estimate, counted in sfm_spend_yuan_total and written behind — and
 * with a model the price table does not know (one lookup that misses; nothing is charged). The runs
 * alternate (alternate.ts).
 */
import { alternateRounds, roundLoad, type RoundsOptions } from './alternate.js';
import { measureThroughput, PRICED_MODEL, warmUp, type CpuMeters, type LoadResult } from './load.js';

/** In the fake's catalogue, answered like the priced model, but in no price table (the fake bills it nothing). */
export const UNPRICED_MODEL = 'Qwen/Qwen2.5-72B-Instruct';
/** The unpriced path has not run yet when the rounds start: let the JIT see it first. */
const WARMUP_SECONDS = 2;

export type LedgerRound = { priced: LoadResult; unpriced: LoadResult };
export type LedgerOptions = RoundsOptions;

export async function measureLedger(
  url: string,
  token: string,
  options: LedgerOptions,
  meters: CpuMeters,
  progress: (line: string) => void,
): Promise<LedgerRound[]> {
  const load = roundLoad(options);
  await warmUp(url, token, 'json', load, WARMUP_SECONDS, UNPRICED_MODEL);
  const side = (name: 'priced' | 'unpriced', model: string) => ({
    name,
    label: `${name} (${model}), ${options.seconds} s`,
    run: () => measureThroughput(url, token, model, load, meters),
  });
  return alternateRounds(options.rounds, [side('priced', PRICED_MODEL), side('unpriced', UNPRICED_MODEL)], progress, 'ledger');
}
