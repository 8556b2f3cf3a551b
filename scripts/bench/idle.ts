/**
 * Issue 15, target 4: what a started server costs while it serves nothing. A few requests first (so
 * the write-behind, the pool and the alert engine have seen traffic, as on a real server), then quiet:
 * the server's CPU seconds over a few windows, each scaled to a minute. Judged on the total over every
 * window (≥ 60 s in all: the kernel counts CPU in 10 ms ticks, too coarse for one short window);
 * the windows' spread shows whether the cost is steady. The windows begin once the server has
 * settled, `settleSeconds` (30) after the warm-up, as target 2 reads idle memory 30 s after ready:
 * what settling costs — the garbage collections that give the start's memory back, V8's own and the
 * server's one (src/memory-settle.ts, 10 s after the last request) — is printed beside, not judged.
 *
 * Alone: `npm run build && tsx scripts/bench/idle.ts` (BENCH_IDLE_KEYS=10,100000  BENCH_IDLE_WINDOWS=3
 * BENCH_IDLE_SECONDS=20  BENCH_IDLE_SETTLE=30  BENCH_CPU_PROF=dir profiles each server and summarises its quiet time).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './children.js';
import { mainThreadProfile, monotonicMicros, summarizeProfile } from './cpu-profile.js';
import { PRICED_MODEL } from './load.js';
import { ACCESS_KEY, progress, seed, seedEnv, startChild, startServer } from './server.js';
import { formatSpread, spread, targetLines, type TargetCheck } from './targets.js';

/** Issue 15: at most this many CPU seconds a minute, idle. */
export const IDLE_CPU_PER_MINUTE = 0.05;
const WARMUP_REQUESTS = 20;

export type IdleOptions = {
  /** Pool sizes to judge, each a fresh seeded folder and a fresh process (default 10 and 100,000). */
  keys: readonly number[];
  windows: number;
  windowSeconds: number;
  /** Quiet seconds after the warm-up before the windows begin (the settling is measured apart). */
  settleSeconds: number;
  /** Profile each server (node --cpu-prof into a folder per size) and print what its quiet time went to. */
  profileDir?: string;
};

export const DEFAULT_IDLE: IdleOptions = { keys: [10, 100_000], windows: 3, windowSeconds: 20, settleSeconds: 30 };

/** One line per pool size: CPU seconds a minute while idle, ✓ when the total over every window is ≤ 0.05 a minute. */
export async function measureIdle(fakeUrl: string, workDir: string, options: IdleOptions = DEFAULT_IDLE): Promise<TargetCheck[]> {
  const checks: TargetCheck[] = [];
  for (const count of options.keys) checks.push(await idleServer(fakeUrl, workDir, count, options));
  return checks;
}

async function idleServer(fakeUrl: string, workDir: string, count: number, options: IdleOptions): Promise<TargetCheck> {
  const { env } = await seed(seedEnv(workDir, `idle-${count}`, fakeUrl), count);
  const profileDir = options.profileDir ? join(options.profileDir, `idle-${count}-keys`) : undefined;
  const server = await startServer(`this server (${count} keys, idle)`, env, { profileDir });
  await warmUp(server.url);
  const cpuNow = () => server.child.cpuSeconds() ?? Number.NaN;
  const settleStart = cpuNow();
  progress(`  settling for ${options.settleSeconds} s`);
  await sleep(options.settleSeconds * 1000);
  const settling = cpuNow() - settleStart;
  const sinceUs = monotonicMicros();
  progress(`  quiet for ${options.windows} × ${options.windowSeconds} s`);
  const { perMinute, total } = await quietWindows(cpuNow, options);
  await server.child.stop();
  if (server.profileDir) console.log(`${summarizeProfile(mainThreadProfile(server.profileDir), { sinceUs })}\n`);
  const seconds = options.windows * options.windowSeconds;
  return {
    target: 4,
    label: `idle CPU, ${count.toLocaleString('en-US')} keys ≤ ${IDLE_CPU_PER_MINUTE} CPU-s/min`,
    ok: total <= IDLE_CPU_PER_MINUTE,
    figures:
      `${total.toFixed(3)} CPU-s/min over ${seconds} s; per ${options.windowSeconds} s window ${formatSpread(spread(perMinute), 3)}, ` +
      `in order ${perMinute.map((v) => v.toFixed(3)).join(', ')}; settling before them ${settling.toFixed(2)} CPU-s in ${options.settleSeconds} s`,
  };
}

/** CPU seconds per minute in each window, and over all of them. */
async function quietWindows(cpu: () => number, options: IdleOptions): Promise<{ perMinute: number[]; total: number }> {
  const perMinute: number[] = [];
  const first = cpu();
  let before = first;
  for (let w = 0; w < options.windows; w++) {
    await sleep(options.windowSeconds * 1000);
    const after = cpu();
    perMinute.push(((after - before) * 60) / options.windowSeconds);
    before = after;
  }
  return { perMinute, total: ((before - first) * 60) / (options.windows * options.windowSeconds) };
}

/** A few JSON and SSE answers, so what follows a request (write-behind, pool state) has happened once. */
async function warmUp(url: string): Promise<void> {
  for (let i = 0; i < WARMUP_REQUESTS; i++) {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCESS_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: PRICED_MODEL, messages: [{ role: 'user', content: 'hi' }], stream: i % 2 === 1 }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`warm-up request ${i} answered ${res.status}`);
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function positiveInts(name: string, fallback: readonly number[]): number[] {
  const text = process.env[name];
  if (!text) return [...fallback];
  const values = text.split(',').map(Number);
  if (!values.every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`${name} must be whole numbers ≥ 1, got "${text}"`);
  return values;
}

/** Alone: builds, starts the fake, judges the idle cost, stops everything. */
async function main(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const workDir = mkdtempSync(join(os.tmpdir(), 'sfm-bench-idle-'));
  try {
    const fake = await startChild('fake SiliconFlow', ['build/scripts/fake-siliconflow.js'], /listening on (http:\/\/\S+) /, {
      FAKE_PORT: '0',
      FAKE_RECORD: '0',
      FAKE_ACCEPT_ANY_KEY: '1',
    });
    const options: IdleOptions = {
      keys: positiveInts('BENCH_IDLE_KEYS', DEFAULT_IDLE.keys),
      windows: positiveInts('BENCH_IDLE_WINDOWS', [DEFAULT_IDLE.windows])[0]!,
      windowSeconds: positiveInts('BENCH_IDLE_SECONDS', [DEFAULT_IDLE.windowSeconds])[0]!,
      settleSeconds: positiveInts('BENCH_IDLE_SETTLE', [DEFAULT_IDLE.settleSeconds])[0]!,
      profileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
    };
    console.log(targetLines(await measureIdle(fake.url, workDir, options)));
  } finally {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`idle benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
