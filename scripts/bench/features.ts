/**
 * Issue 15, target 6: every feature on costs nothing measurable. Two servers run at once, each on
 * its own data folder, and take the same JSON load in alternating rounds:
 *   "on"   — the ledger pricing every answer (a priced model), 1,000 client keys each with a day
 *            budget and an RPM limit (the load spread over them), the pool keys in accounts (two keys
 *            an account) under ACCOUNT_LIMITS lines that count every request without ever refusing
 *            one, two accounts cooling for a model the load does not ask for, and the alert rules at
 *            their defaults, checked every second;
 *   "none" — the access key alone, a model with no price, no accounts, limits or cooling, the alert
 *            rules off.
 * Throughput and the proxy's CPU per request: on ÷ none ≥ 0.95 (for CPU, none ÷ on: on may cost at
 * most 1/0.95 of none). This case holds what the ledger's and the client keys' lines measured before.
 */
import { alternateRounds } from './alternate.js';
import { BenchFailure, bodyOf, meteredLoad, PRICED_MODEL, probe, runLoad, type LoadResult, type Tokens } from './load.js';
import { ACCESS_KEY, seed, seedEnv, startServer, type Progress, type StartedServer } from './server.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

export const CLIENT_KEYS = 1_000;
/** Far above what one client key gets here (a few requests a second each): the window counts, never refuses. */
const CLIENT_RPM = 10_000;
/** Each client key's day budget, in yuan: a run spends a few fen per key. */
const CLIENT_DAY_BUDGET = '1000';
/** In the fake's catalogue, answered like the priced model, but in no price table (the fake bills it nothing). */
export const UNPRICED_MODEL = 'Qwen/Qwen2.5-72B-Instruct';
/** A model the load never asks for: the cooling accounts are passed over for it only. */
const COOLING_MODEL = 'deepseek-ai/DeepSeek-R1';
const POOL_KEYS = 10;
const accountOf = (i: number) => `bench-account-${Math.floor(i / 2)}`;
/**
 * Lines that apply to the load's model (the exact model, a prefix, the catch-all) with limits no run
 * reaches, so every request is counted against them and none is refused.
 */
const ACCOUNT_LIMITS = [
  '* * rpm=1000000000 tpm=1000000000 rpd=1000000000',
  `${accountOf(0)} deepseek-ai/* rpm=1000000000 tpm=1000000000`,
  `${accountOf(2)} ${PRICED_MODEL} rpm=1000000000 rpd=1000000000`,
].join(',');
const MIN_RATIO = 0.95;
const WARMUP_SECONDS = 3;

export type FeaturesOptions = { connections: number; rounds: number; seconds: number };
type SideName = 'on' | 'none';
type Side = { server: StartedServer; tokens: Tokens; model: string };

export const featuresSeconds = (o: FeaturesOptions) => 30 + 2 * (WARMUP_SECONDS + 1) + o.rounds * 2 * (o.seconds + 1);

export async function measureFeatures(workDir: string, fakeUrl: string, o: FeaturesOptions, progress: Progress): Promise<TargetCheck[]> {
  const sides = { on: await startOn(workDir, fakeUrl), none: await startNone(workDir, fakeUrl) };
  try {
    const load = (side: Side, seconds: number) => ({
      tokens: side.tokens,
      body: bodyOf('json', side.model),
      connections: o.connections,
      seconds,
    });
    for (const side of Object.values(sides)) {
      await probe(side.server.url, typeof side.tokens === 'string' ? side.tokens : side.tokens[0]!, 'json', side.model);
      await runLoad(side.server.url, load(side, WARMUP_SECONDS), 'everything-on warm-up');
    }
    const run = (name: SideName, label: string) => ({
      name,
      label: `${label}, ${o.seconds} s`,
      run: () =>
        meteredLoad(sides[name].server.url, load(sides[name], o.seconds), { proxy: () => sides[name].server.child.cpuSeconds() }, name),
    });
    const rounds = await alternateRounds(o.rounds, [run('on', 'everything on'), run('none', 'nothing configured')], progress, 'features');
    return judge(rounds, o);
  } finally {
    await Promise.all(Object.values(sides).map((side) => side.server.child.stop()));
  }
}

async function startOn(workDir: string, fakeUrl: string): Promise<Side> {
  const cooling = { accounts: [accountOf(3), accountOf(4)], model: COOLING_MODEL, until: Date.now() + 2 * 3_600_000 };
  const clients = { count: CLIENT_KEYS, rpm: CLIENT_RPM, dayBudgetYuan: CLIENT_DAY_BUDGET };
  const { env, clientKeys } = await seed(seedEnv(workDir, 'features-on', fakeUrl), POOL_KEYS, clients, { accountOf, cooling });
  const extraEnv = { ACCOUNT_LIMITS, ALERT_CHECK_SECONDS: '1' };
  const server = await startServer('this server, everything on', env, { extraEnv });
  await expectKeysCooling(server, 2 * cooling.accounts.length);
  return { server, tokens: clientKeys, model: PRICED_MODEL };
}

async function startNone(workDir: string, fakeUrl: string): Promise<Side> {
  const { env } = await seed(seedEnv(workDir, 'features-none', fakeUrl), POOL_KEYS, undefined, { alertsOff: true });
  const server = await startServer('this server, nothing configured', env);
  await expectKeysCooling(server, 0);
  // The same `requests` list as "on" (the access key 1,000 times): the load generator does the same work.
  return { server, tokens: Array.from({ length: CLIENT_KEYS }, () => ACCESS_KEY), model: UNPRICED_MODEL };
}

/** The cooling rows were read back at start: /metrics (read with the access key) counts the keys of cooling accounts. */
async function expectKeysCooling(server: StartedServer, keys: number): Promise<void> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${ACCESS_KEY}` },
    signal: AbortSignal.timeout(5_000),
  });
  const seen = /^sfm_keys_cooling (\d+)$/m.exec(await res.text())?.[1];
  if (Number(seen) !== keys) throw new BenchFailure(`${server.url}: expected ${keys} keys cooling, /metrics says ${seen ?? 'nothing'}`);
}

function judge(rounds: Record<SideName, LoadResult>[], o: FeaturesOptions): TargetCheck[] {
  const cpuUs = (r: LoadResult) => ((r.cores.proxy ?? Number.NaN) * 1e6) / r.requestsPerSecond;
  const throughput = spread(rounds.map((r) => r.on.requestsPerSecond / r.none.requestsPerSecond));
  const cpu = spread(rounds.map((r) => cpuUs(r.none) / cpuUs(r.on)));
  const of = (pick: (r: LoadResult) => number, side: SideName, digits: number) =>
    formatSpread(spread(rounds.map((r) => pick(r[side]))), digits);
  const what = `everything on ÷ nothing configured (JSON, ${o.connections} connections, ${rounds.length} rounds of ${o.seconds} s)`;
  return [
    {
      target: 6,
      label: `${what}: throughput ≥ ${MIN_RATIO}×`,
      ok: throughput.median >= MIN_RATIO,
      figures: `${formatSpread(throughput, 3, '×')}; req/s on ${of((r) => r.requestsPerSecond, 'on', 0)}, none ${of((r) => r.requestsPerSecond, 'none', 0)}`,
    },
    {
      target: 6,
      label: `${what}: proxy CPU per request, none ÷ on ≥ ${MIN_RATIO}×`,
      ok: cpu.median >= MIN_RATIO,
      figures: `${formatSpread(cpu, 3, '×')}; µs per request on ${of(cpuUs, 'on', 0)}, none ${of(cpuUs, 'none', 0)}`,
    },
  ];
}
