/**
 * Client keys on the /v1 hot path (issue 12: "1,000 client keys, each with a budget and an RPM
 * limit: throughput and added latency stay within noise of the single-key run"). The same JSON load
 * through the same warm server, once spread over 1,000 client keys (a keyed hash and a Map lookup to
 * find the key, then its model, budget, RPM window and concurrency checks, and its counters written
 * behind) and once with the admin's access key alone (no limits). Alternating rounds, the order
 * swapped every round, like the ledger's (ledger.ts), so a drifting machine weighs on both alike.
 */
import { alternateRounds, roundLoad, type RoundsOptions } from './alternate.js';
import { measureThroughput, PRICED_MODEL, warmUp, type CpuMeters, type LoadResult } from './load.js';

export const BENCH_CLIENTS = 1_000;
/** The RPM limit of each client key: far above what one key gets here (~10 requests a second). */
export const BENCH_CLIENT_RPM = 10_000;
/** Each key's daily budget, in yuan: a run spends a few fen per key. */
export const BENCH_CLIENT_DAY_BUDGET = '1000';
const WARMUP_SECONDS = 2;

export type ClientsRound = { clients: LoadResult; single: LoadResult };
export type ClientsOptions = RoundsOptions;

export async function measureClients(
  url: string,
  accessKey: string,
  clientKeys: readonly string[],
  options: ClientsOptions,
  meters: CpuMeters,
  progress: (line: string) => void,
): Promise<ClientsRound[]> {
  const load = roundLoad(options);
  // The single key goes through the same `requests` list (the same token 1,000 times): the load generator does the same work.
  const single = clientKeys.map(() => accessKey);
  await warmUp(url, clientKeys, 'json', load, WARMUP_SECONDS);
  const side = (name: 'clients' | 'single', label: string, tokens: readonly string[]) => ({
    name,
    label: `${label}, ${options.seconds} s`,
    run: () => measureThroughput(url, tokens, PRICED_MODEL, load, meters),
  });
  return alternateRounds(
    options.rounds,
    [side('clients', `${clientKeys.length} client keys`, clientKeys), side('single', 'the access key', single)],
    progress,
    'client keys',
  );
}
