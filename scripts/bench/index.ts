/**
 * npm run bench — the /v1 proxy's overhead against the local fake SiliconFlow, and issue 15's targets.
 * The main table: straight to the fake, through the bare http pipe (minimal-proxy.ts, the floor every
 * ratio is taken against), through a minimal undici proxy (for information), and through this server
 * with 10 and with 100,000 keys; non-streaming and SSE; with the CPU each process used. Then one case
 * per target, each in alternating rounds (median (min–max) of the rounds), each in its own file:
 * 1 MiB answers (bodies.ts), 2,000 SSE streams (streams.ts), 200 req/s tail latency
 * (tail-latency.ts), everything on against nothing configured (features.ts), 100,000 keys
 * (keys-at-scale.ts, target 2) and idle CPU (idle.ts, target 4). Prints the machine, the
 * tables, "Issue 15 targets" (✓/✗ with the figures) and the earlier issues' checks. Exits 1 when a
 * run saw a non-2xx answer, an error or a stream without [DONE] (a benchmark of errors is worthless),
 * 0 otherwise, even when a target is missed. Processes are pinned to cores where the machine allows
 * (pinning.ts). About 12 minutes at the defaults here (2 cores).
 *
 *   BENCH_CONNECTIONS (32)  BENCH_WARMUP (1 s)  BENCH_DURATION (5 s per scenario of the main table)
 *   BENCH_ROUNDS (3)        rounds of every target's case (fewer than 3 only for a quick look)
 *   BENCH_BODY_CONNECTIONS (8)  BENCH_BODY_SECONDS (4 s per side a round)       target 1
 *   BENCH_STREAMS (2000)  BENCH_STREAM_SETTLE (15 s idle before RSS is read again)  target 3
 *   BENCH_TAIL_SECONDS (10 s per side a round, at 200 req/s)                  target 5
 *   BENCH_FEATURE_SECONDS (4 s per side a round)                               target 6
 *   BENCH_CASES (table,1,2,3,4,5,6)  which to run: the main table and/or targets by number, comma-separated
 *   BENCH_MARKDOWN=path     also write the README's performance section (markdown.ts) to path
 *   BENCH_CPU_PROF=dir      also profile this server (node --cpu-prof, into dir) and summarise its time under load
 *
 * Every child process is stopped at the end, on error and on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { bodiesSeconds, measureBodies, type BodiesOptions } from './bodies.js';
import { stopAllChildren } from './children.js';
import { mainThreadProfile, monotonicMicros, summarizeProfile } from './cpu-profile.js';
import { featuresSeconds, measureFeatures, type FeaturesOptions } from './features.js';
import { DEFAULT_IDLE, measureIdle } from './idle.js';
import { KEYS_AT_SCALE, measureKeysAtScale } from './keys-at-scale.js';
import { measure, MODES, stopLoad, warmUp, type CpuMeters, type LoadOptions } from './load.js';
import { writeMarkdown } from './markdown.js';
import { pinningLine, pinSelf } from './pinning.js';
import { DIRECT_TOKEN, FLOOR_TOKEN, startBarePipe, startFake, startKeyedServer, startUndiciProxy, type Started } from './processes.js';
import { checklist, cpuTable, markdownTable, SCENARIO_NAMES, type Measurement, type ScenarioId } from './report.js';
import { ACCESS_KEY, progress } from './server.js';
import { measureStreams, streamsSeconds, type StreamsOptions } from './streams.js';
import { measureTail, tailSeconds, type TailOptions } from './tail-latency.js';
import { targetLines, type TargetCheck } from './targets.js';

/**
 * A freshly started process needs seconds of load before V8 has optimised its hot path: measured
 * at once, this server's first scenario cost ~1.5× the CPU per request of later ones.
 */
const PROCESS_WARMUP_SECONDS = 3;

const load: LoadOptions = {
  connections: positiveInt('BENCH_CONNECTIONS', 32),
  warmupSeconds: positiveInt('BENCH_WARMUP', 1),
  durationSeconds: positiveInt('BENCH_DURATION', 5),
};
const rounds = positiveInt('BENCH_ROUNDS', 3);
const CASES = ['table', '1', '2', '3', '4', '5', '6'];
const cases = new Set((process.env.BENCH_CASES ?? CASES.join(',')).split(',').map((c) => c.trim()));
for (const c of cases) if (!CASES.includes(c)) exitWith(`BENCH_CASES: "${c}" is none of ${CASES.join(', ')}`);
const bodies: BodiesOptions = {
  connections: positiveInt('BENCH_BODY_CONNECTIONS', 8),
  rounds,
  seconds: positiveInt('BENCH_BODY_SECONDS', 4),
};
const streams: StreamsOptions = {
  rounds,
  count: positiveInt('BENCH_STREAMS', 2000),
  spreadMs: 2000,
  // Each stream ~4 s, so all are open at once. The fake and the load generator share one core: 20
  // chunks 200 ms apart cost them ~6 CPU-s a run (one syscall a frame), saturating it, so direct's
  // own first byte became hundreds of ms; 10 chunks 400 ms apart keep the streams as long at half that.
  chunks: 10,
  chunkGapMs: 400,
  settleSeconds: positiveInt('BENCH_STREAM_SETTLE', 15),
};
const tail: TailOptions = { rounds, seconds: positiveInt('BENCH_TAIL_SECONDS', 10) };
const features: FeaturesOptions = { connections: load.connections, rounds, seconds: positiveInt('BENCH_FEATURE_SECONDS', 4) };

/** Five processes in the main table, each warmed up and then measured in both modes (with its one-connection run), plus start-ups and seeding. */
const MAIN_TABLE_SECONDS = 5 * 2 * (PROCESS_WARMUP_SECONDS + load.warmupSeconds + load.durationSeconds + 4) + 30;
/** Target 2: each round seeds, imports, restarts and idles. */
const KEYS_AT_SCALE_SECONDS = KEYS_AT_SCALE.rounds * (KEYS_AT_SCALE.idleSeconds + 30);
/** Target 4: each pool size seeds, starts, warms up and stays quiet for its windows (~2.4 min in all here). */
const IDLE_SECONDS = DEFAULT_IDLE.keys.length * (DEFAULT_IDLE.settleSeconds + DEFAULT_IDLE.windows * DEFAULT_IDLE.windowSeconds + 30);
/** Give up at 1.5× what the runs should take (at least 5 min). */
const EXPECTED_SECONDS =
  MAIN_TABLE_SECONDS +
  bodiesSeconds(bodies) +
  streamsSeconds(streams) +
  tailSeconds(tail) +
  featuresSeconds(features) +
  KEYS_AT_SCALE_SECONDS +
  IDLE_SECONDS;
const WATCHDOG_MS = Math.max(300_000, 1.5 * EXPECTED_SECONDS * 1000);
const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const markdownPath = process.env.BENCH_MARKDOWN ? resolve(process.env.BENCH_MARKDOWN) : undefined;
/** Read before this process pins itself to fewer cores (which availableParallelism then reports). */
const machineCores = os.availableParallelism();
const workDir = mkdtempSync(join(os.tmpdir(), 'sfm-bench-'));

async function main(): Promise<void> {
  pinSelf();
  const machine = machineLines();
  console.log(['## Benchmark: /v1 proxy overhead', '', ...machine].join('\n'));
  // Everything runs compiled, as `npm start` does (tsx adds a helper call to every closure it creates).
  progress('compiling (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const fake = await startFake();
  const results: Measurement[] = [];
  const checks: TargetCheck[] = [];
  const profiles: Profile[] = [];
  if (cases.has('table') || cases.has('1') || cases.has('5')) await mainTableAndFloors(fake, results, checks, profiles);
  if (cases.has('3')) checks.push(...(await streamsCase(fake.url)));
  if (cases.has('6')) checks.push(...(await measureFeatures(workDir, fake.url, features, progress)));
  if (cases.has('2')) checks.push(...(await measureKeysAtScale(fake.url, workDir)));
  if (cases.has('4')) checks.push(...(await measureIdle(fake.url, workDir)));

  const table = markdownTable(results);
  if (results.length > 0) console.log(`\n${table}\n`);
  const cpu = cpuTable(results);
  if (cpu) console.log(`CPU during the measured runs (${machineCores} cores in all):\n\n${cpu}\n`);
  console.log(`### Issue 15 targets\n\n${targetLines(checks)}\n`);
  if (results.length > 0) console.log(`### Earlier checks\n\n${checklist(results, MODES)}\n`);
  for (const { file, sinceUs } of profiles) console.log(`${summarizeProfile(file, { sinceUs })}\n`);
  if (markdownPath) {
    writeMarkdown(markdownPath, { machine, targets: checks, mainTable: table, date: new Date() });
    progress(`wrote the README's performance section to ${markdownPath}`);
  }
}

type Profile = { file: string; sinceUs: number };

/**
 * The main table (direct, the two floors, this server with 10 and 100,000 keys), then targets 1 and
 * 5 on the same warm bare pipe and 10-key server. With the table left out (BENCH_CASES), those two
 * processes are only warmed up.
 */
async function mainTableAndFloors(fake: Started, results: Measurement[], checks: TargetCheck[], profiles: Profile[]): Promise<void> {
  const table = cases.has('table');
  const fakeCpu = () => fake.child.cpuSeconds();
  const measured = (scenario: ScenarioId, p: Started, token: string) =>
    table
      ? measureProcess(results, scenario, p.url, token, { fake: fakeCpu, proxy: () => p.child.cpuSeconds() })
      : warmProcess(p.url, token);
  if (table) await measureProcess(results, 'direct', fake.url, DIRECT_TOKEN, { fake: fakeCpu });
  const bare = await startBarePipe(fake.url);
  await measured('bare', bare, FLOOR_TOKEN);
  if (table) {
    const undici = await startUndiciProxy(fake.url);
    await measured('undici', undici, FLOOR_TOKEN);
    await undici.child.stop();
  }
  const server = await startKeyedServer(workDir, '10', fake.url, 10, profileDir && join(profileDir, 'server-10-keys'));
  const sinceUs = monotonicMicros();
  await measured('server-10', server, ACCESS_KEY);
  if (table) {
    const big = await startKeyedServer(workDir, '100k', fake.url, 100_000, profileDir && join(profileDir, 'server-100000-keys'));
    await measured('server-100k', big, ACCESS_KEY);
    await big.child.stop();
    if (big.profileDir) profiles.push({ file: mainThreadProfile(big.profileDir), sinceUs });
  }
  const proxy = (p: Started, token: string) => ({ url: p.url, token, cpu: () => p.child.cpuSeconds() });
  if (cases.has('1')) checks.push(...(await measureBodies(proxy(server, ACCESS_KEY), proxy(bare, FLOOR_TOKEN), bodies, progress)));
  const tailSides = {
    direct: { url: fake.url, token: DIRECT_TOKEN },
    bare: { url: bare.url, token: FLOOR_TOKEN },
    server: { url: server.url, token: ACCESS_KEY },
  };
  if (cases.has('5')) checks.push(...(await measureTail(tailSides, tail, progress)));
  await Promise.all([bare.child.stop(), server.child.stop()]);
  if (server.profileDir) profiles.push({ file: mainThreadProfile(server.profileDir), sinceUs });
}

/** Target 3 on processes of its own, so their memory before the streams is not what earlier cases left. */
async function streamsCase(fakeUrl: string): Promise<TargetCheck[]> {
  const bare = await startBarePipe(fakeUrl);
  const server = await startKeyedServer(workDir, 'streams', fakeUrl, 10);
  try {
    for (const [url, token] of [
      [bare.url, FLOOR_TOKEN],
      [server.url, ACCESS_KEY],
    ] as const)
      await warmProcess(url, token);
    const watched = (p: Started, token: string) => ({ url: p.url, token, memory: () => p.child.memory() });
    const sides = { direct: { url: fakeUrl, token: DIRECT_TOKEN }, bare: watched(bare, FLOOR_TOKEN), server: watched(server, ACCESS_KEY) };
    return await measureStreams(sides, streams, progress);
  } finally {
    await Promise.all([bare.child.stop(), server.child.stop()]);
  }
}

async function warmProcess(url: string, token: string): Promise<void> {
  progress(`  warming up ${url} for ${PROCESS_WARMUP_SECONDS} s per mode`);
  for (const mode of MODES) await warmUp(url, token, mode, load, PROCESS_WARMUP_SECONDS);
}

async function measureProcess(results: Measurement[], scenario: ScenarioId, url: string, token: string, cpu: CpuMeters): Promise<void> {
  await warmProcess(url, token);
  for (const mode of MODES) {
    progress(`  measuring ${SCENARIO_NAMES[scenario]} (${mode}): ${load.warmupSeconds} s warm-up, ${load.durationSeconds} s measured`);
    results.push({ scenario, mode, result: await measure(url, token, mode, load, cpu) });
  }
}

function machineLines(): string[] {
  const cpus = os.cpus();
  return [
    `Node ${process.version} · ${os.platform()} ${os.arch()} · ${cpus.length} CPUs (${machineCores} available) · ${cpus[0]?.model.trim() ?? 'unknown CPU'} · ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    pinningLine(),
    `Main table: autocannon, ${load.connections} connections, pipelining 1, ${load.warmupSeconds} s warm-up + ${load.durationSeconds} s per scenario, then 3 s on one connection for latency; ` +
      'fake answers at once (SSE: 8 content chunks, no gap). Targets: alternating rounds, median (min–max).',
  ];
}

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) exitWith(`${name} must be a whole number ≥ 1, got "${text}"`);
  return value;
}

function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
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
