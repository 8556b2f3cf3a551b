/**
 * npm run bench — the /v1 proxy's overhead, measured side by side in one run against the local fake
 * SiliconFlow (answering at once): straight to the fake, through a minimal Node pipe proxy (the floor
 * for any Node proxy), and through this server with 10 and with 100,000 keys; non-streaming and SSE.
 * Then the ledger's cost: the 10-key server's JSON case with a priced and an unpriced model, in
 * alternating rounds (ledger.ts), and the client keys' cost: the same load spread over 1,000 client keys
 * (each a daily budget and an RPM limit) against the access key alone, alternating likewise
 * (clients.ts). Prints a Markdown table, the issues' targets, the ledger's and the client keys' lines.
 * Exits 1 when a scenario saw a non-2xx answer or an error (a benchmark of errors is worthless), 0
 * otherwise, even when a target is missed.
 *
 *   BENCH_CONNECTIONS (32)  BENCH_WARMUP (1 s)  BENCH_DURATION (5 s per scenario)
 *   BENCH_LEDGER_ROUNDS (4)  BENCH_LEDGER_SECONDS (3 s per run, two runs a round)
 *   BENCH_CLIENT_ROUNDS (4)  BENCH_CLIENT_SECONDS (3 s per run, two runs a round)
 *   BENCH_CPU_PROF=dir      also profile this server (node --cpu-prof, into dir) and summarise its time under load
 *
 * Scenarios run one after another; every child process is stopped at the end, on error and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { stopAllChildren } from './children.js';
import { mainThreadProfile, monotonicMicros, summarizeProfile } from './cpu-profile.js';
import { measure, MODES, stopLoad, warmUp, type CpuMeters, type LoadOptions } from './load.js';
import {
  BENCH_CLIENT_DAY_BUDGET,
  BENCH_CLIENT_RPM,
  BENCH_CLIENTS,
  measureClients,
  type ClientsOptions,
  type ClientsRound,
} from './clients.js';
import { measureLedger, type LedgerOptions, type LedgerRound } from './ledger.js';
import {
  checklist,
  clientLines,
  cpuTable,
  ledgerLines,
  markdownTable,
  SCENARIO_NAMES,
  type Measurement,
  type ScenarioId,
} from './report.js';
import { benchKey } from './seed.js';
import { ACCESS_KEY, progress, seed, seedEnv, startChild, startServer } from './server.js';

/**
 * A freshly started process needs seconds of load before V8 has optimised its hot path: measured
 * at once, this server's first scenario cost ~1.5× the CPU per request of later ones.
 */
const PROCESS_WARMUP_SECONDS = 3;
const SERVER_RUNS: Array<[ScenarioId, number]> = [
  ['server-10', 10],
  ['server-100k', 100_000],
];

const load: LoadOptions = {
  connections: positiveInt('BENCH_CONNECTIONS', 32),
  warmupSeconds: positiveInt('BENCH_WARMUP', 1),
  durationSeconds: positiveInt('BENCH_DURATION', 5),
};
const ledger: LedgerOptions = {
  connections: load.connections,
  rounds: positiveInt('BENCH_LEDGER_ROUNDS', 4),
  seconds: positiveInt('BENCH_LEDGER_SECONDS', 3),
};
const clientRuns: ClientsOptions = {
  connections: load.connections,
  rounds: positiveInt('BENCH_CLIENT_ROUNDS', 4),
  seconds: positiveInt('BENCH_CLIENT_SECONDS', 3),
};
/**
 * The load alone (8 scenarios, 4 process warm-ups, the ledger's rounds) plus start-up and seeding
 * take ~2 min here: give up at 3 min, or later when the runs are made longer.
 */
const LOAD_SECONDS =
  8 * (load.warmupSeconds + load.durationSeconds + 3) +
  8 * PROCESS_WARMUP_SECONDS +
  2 * ledger.rounds * (ledger.seconds + 1) +
  2 * clientRuns.rounds * (clientRuns.seconds + 1) +
  4;
const WATCHDOG_MS = Math.max(180_000, 1.5 * (30 + LOAD_SECONDS) * 1000);
const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const workDir = mkdtempSync(join(os.tmpdir(), 'sfm-bench-'));

async function main(): Promise<void> {
  printMachine();
  // Everything runs compiled, as `npm start` does (tsx adds a helper call to every closure it creates).
  progress('compiling (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const fake = await startChild('fake SiliconFlow', ['build/scripts/fake-siliconflow.js'], /listening on (http:\/\/\S+) /, {
    FAKE_PORT: '0',
    FAKE_RECORD: '0',
    FAKE_ACCEPT_ANY_KEY: '1',
  });
  await warmProcess(fake.url, benchKey(0));
  const results: Measurement[] = [];
  const fakeCpu = () => fake.child.cpuSeconds();
  await measureModes(results, 'direct', fake.url, benchKey(0), { fake: fakeCpu });

  const minimal = await startChild('minimal proxy', ['build/scripts/bench/minimal-proxy.js'], /listening on (http:\/\/\S+)/, {
    UPSTREAM_URL: fake.url,
  });
  await warmProcess(minimal.url, 'any-token-the-proxy-rewrites');
  await measureModes(results, 'minimal', minimal.url, 'any-token-the-proxy-rewrites', {
    fake: fakeCpu,
    proxy: () => minimal.child.cpuSeconds(),
  });
  await minimal.child.stop();

  const { profiles, ledgerRounds, clientRounds } = await measureServers(results, fake.url, fakeCpu);
  // Issue 15, target 2, for the report's target lines: `const keyChecks = await measureKeysAtScale(fake.url, workDir);` (keys-at-scale.ts; alone: keys-only.ts)
  // Issue 15, target 4 (scripts/bench/idle.ts): const idleChecks = await measureIdle(fake.url, workDir); — its lines go with the other targets'.

  const clientText = clientLines(clientRounds, BENCH_CLIENTS, clientRuns.seconds);
  console.log(`\n${markdownTable(results)}\n\n${checklist(results, MODES)}\n${ledgerLines(ledgerRounds, ledger.seconds)}\n${clientText}\n`);
  const cpu = cpuTable(results);
  if (cpu) console.log(`CPU during the measured runs (${os.availableParallelism()} cores in all):\n\n${cpu}\n`);
  for (const { file, sinceUs } of profiles) console.log(`${summarizeProfile(file, { sinceUs })}\n`);
}

/** This server with 10 and with 100,000 keys, each a fresh process; the ledger's and the client keys' rounds on the 10-key one. */
async function measureServers(results: Measurement[], fakeUrl: string, fakeCpu: () => number | undefined) {
  const profiles: Array<{ file: string; sinceUs: number }> = [];
  let ledgerRounds: LedgerRound[] = [];
  let clientRounds: ClientsRound[] = [];
  for (const [scenario, count] of SERVER_RUNS) {
    const clients = scenario === 'server-10' ? BENCH_CLIENTS : 0;
    const { env, clientKeys } = await seed(seedEnv(workDir, String(count), fakeUrl), count, {
      count: clients,
      rpm: BENCH_CLIENT_RPM,
      dayBudgetYuan: BENCH_CLIENT_DAY_BUDGET,
    });
    // One folder per run: tsx's loader thread writes a profile too, next to the main thread's.
    const ownProfileDir = profileDir ? join(profileDir, `server-${count}-keys`) : undefined;
    const server = await startServer(`this server (${count} keys)`, env, { profileDir: ownProfileDir });
    await warmProcess(server.url, ACCESS_KEY);
    const sinceUs = monotonicMicros();
    const meters = { fake: fakeCpu, proxy: () => server.child.cpuSeconds() };
    await measureModes(results, scenario, server.url, ACCESS_KEY, meters);
    if (scenario === 'server-10') {
      ledgerRounds = await measureLedger(server.url, ACCESS_KEY, ledger, meters, progress);
      clientRounds = await measureClients(server.url, ACCESS_KEY, clientKeys, clientRuns, meters, progress);
    }
    await server.child.stop();
    if (server.profileDir) profiles.push({ file: mainThreadProfile(server.profileDir), sinceUs });
  }
  return { profiles, ledgerRounds, clientRounds };
}

async function warmProcess(url: string, token: string): Promise<void> {
  progress(`  warming up ${url} for ${PROCESS_WARMUP_SECONDS} s per mode`);
  for (const mode of MODES) await warmUp(url, token, mode, load, PROCESS_WARMUP_SECONDS);
}

async function measureModes(results: Measurement[], scenario: ScenarioId, url: string, token: string, meters: CpuMeters): Promise<void> {
  for (const mode of MODES) {
    progress(`  measuring ${SCENARIO_NAMES[scenario]} (${mode}): ${load.warmupSeconds} s warm-up, ${load.durationSeconds} s measured`);
    results.push({ scenario, mode, result: await measure(url, token, mode, load, meters) });
  }
}

function printMachine(): void {
  const cpus = os.cpus();
  console.log(
    [
      '## Benchmark: /v1 proxy overhead',
      '',
      `Node ${process.version} · ${os.platform()} ${os.arch()} · ${cpus.length} CPUs (${os.availableParallelism()} available) · ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
      `autocannon: ${load.connections} connections, pipelining 1, ${load.warmupSeconds} s warm-up + ${load.durationSeconds} s per scenario, then 3 s on one connection for latency; ` +
        'fake answers at once (SSE: 8 content chunks, no gap). Load generator, fake and proxy share the machine.',
    ].join('\n'),
  );
}

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number ≥ 1, got "${text}"`);
    process.exit(1);
  }
  return value;
}

let exiting: Promise<never> | undefined;
/** Stops the load and every child, removes the temporary data folders, then exits. Later calls wait for the first. */
function shutdown(code: number): Promise<never> {
  exiting ??= (async () => {
    stopLoad();
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(code);
  })();
  return exiting;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    void shutdown(code);
  });
}
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    console.error(`\nbenchmark failed (${event}):`, err);
    void shutdown(1);
  });
}
setTimeout(() => {
  console.error(`benchmark still running after ${Math.round(WATCHDOG_MS / 1000)} s: giving up`);
  void shutdown(1);
}, WATCHDOG_MS).unref();

main().then(
  () => shutdown(0),
  (err: unknown) => {
    // After Ctrl-C the stopped load rejects too: that is no failure worth printing.
    if (!exiting) console.error(`\nbenchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    return shutdown(1);
  },
);
