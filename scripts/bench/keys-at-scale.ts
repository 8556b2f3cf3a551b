/**
 * Issue 15, target 2: 100,000 keys. Each round takes a fresh, empty server, signs in, imports the keys
 * through the admin API (timed from the request's start to its 201, then a /v1 call must answer 200),
 * stops it (SIGTERM) and starts it again on that folder: ready is spawn → the first /v1 answer 200
 * (polled every 10 ms); 30 s later, idle, its resident memory is read.
 */
import { benchKey } from './seed.js';
import { ACCESS_KEY, progress, seedEnv, startServer } from './server.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

export type KeysAtScaleOptions = { rounds: number; keys: number; idleSeconds: number };
export const KEYS_AT_SCALE: KeysAtScaleOptions = { rounds: 3, keys: 100_000, idleSeconds: 30 };

const IMPORT_TARGET_MS = 2_000;
const READY_TARGET_MS = 1_000;
const IDLE_RSS_TARGET_MIB = 150;
const POLL_MS = 10;
const READY_GIVE_UP_MS = 60_000;
const ADMIN_PASSWORD = 'bench-admin-password';
const MIB = 2 ** 20;

type Round = { importMs: number; readyMs: number; idleRss: number; startPeak: number };

export async function measureKeysAtScale(
  fakeUrl: string,
  workDir: string,
  options: KeysAtScaleOptions = KEYS_AT_SCALE,
): Promise<TargetCheck[]> {
  const text = Array.from({ length: options.keys }, (_, i) => benchKey(i)).join('\n');
  const rounds: Round[] = [];
  for (let r = 0; r < options.rounds; r++) rounds.push(await measureRound(fakeUrl, workDir, r, text, options));
  const count = options.keys.toLocaleString('en-US');
  const importMs = spread(rounds.map((r) => r.importMs));
  const readyMs = spread(rounds.map((r) => r.readyMs));
  const idle = spread(rounds.map((r) => r.idleRss / MIB));
  const peak = spread(rounds.map((r) => r.startPeak / MIB));
  return [
    {
      target: 2,
      label: `${count} keys imported through the admin API in ≤ ${IMPORT_TARGET_MS / 1000} s`,
      ok: importMs.median <= IMPORT_TARGET_MS,
      figures: `${formatSpread(scaled(importMs, 1 / 1000), 2, ' s')}`,
    },
    {
      target: 2,
      label: `${count} keys: ready after a restart (spawn → first /v1 200) in ≤ ${READY_TARGET_MS / 1000} s`,
      ok: readyMs.median <= READY_TARGET_MS,
      figures: `${formatSpread(scaled(readyMs, 1 / 1000), 2, ' s')}`,
    },
    {
      target: 2,
      label: `${count} keys: idle RSS ${options.idleSeconds} s after a restart ≤ ${IDLE_RSS_TARGET_MIB} MiB`,
      ok: idle.median <= IDLE_RSS_TARGET_MIB,
      figures: `${formatSpread(idle, 0, ' MiB')}; peak RSS up to then ${formatSpread(peak, 0, ' MiB')}`,
    },
  ];
}

async function measureRound(fakeUrl: string, workDir: string, round: number, text: string, options: KeysAtScaleOptions): Promise<Round> {
  const env = seedEnv(workDir, `keys-at-scale-${round}`, fakeUrl);
  const extraEnv = { ADMIN_PASSWORD };
  const empty = await startServer(`this server (empty, round ${round + 1})`, env, { extraEnv });
  let importMs: number;
  try {
    importMs = await importKeys(empty.url, text);
    progress(`  imported ${options.keys.toLocaleString('en-US')} keys in ${(importMs / 1000).toFixed(2)} s`);
    const status = await chat(empty.url).catch((err: unknown) => {
      throw new Error(`/v1 after the import: ${String(err)}\n${empty.child.output()}`);
    });
    if (status !== 200) throw new Error(`after the import, /v1 answered ${status}`);
  } finally {
    await empty.child.stop();
  }
  const spawned = performance.now();
  const restarted = await startServer(`this server (${options.keys} keys, restarted, round ${round + 1})`, env, { extraEnv });
  try {
    const readyMs = (await firstAnswer(restarted.url, spawned)) - spawned;
    progress(`  ready (first /v1 200) ${(readyMs / 1000).toFixed(2)} s after spawn; idle for ${options.idleSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
    const memory = restarted.child.memory();
    if (!memory) throw new Error('no /proc: cannot read the resident memory');
    progress(`  idle RSS ${(memory.rss / MIB).toFixed(0)} MiB, peak ${(memory.peak / MIB).toFixed(0)} MiB`);
    return { importMs, readyMs, idleRss: memory.rss, startPeak: memory.peak };
  } finally {
    await restarted.child.stop();
  }
}

/** Signs in and posts the keys; the time from the import request's start to its 201. */
async function importKeys(url: string, text: string): Promise<number> {
  const login = await fetch(`${url}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const body = JSON.stringify({ keys: text });
  const started = performance.now();
  const res = await fetch(`${url}/admin/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body,
  });
  const answer = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 201) throw new Error(`the import answered ${res.status}: ${answer.slice(0, 300)}`);
  return ms;
}

/** Polls /v1 every 10 ms until it answers 200; the time it did. */
async function firstAnswer(url: string, since: number): Promise<number> {
  for (;;) {
    const status = await chat(url).catch(() => 0);
    if (status === 200) return performance.now();
    if (performance.now() - since > READY_GIVE_UP_MS) throw new Error(`/v1 still answers ${status} after ${READY_GIVE_UP_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function chat(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ACCESS_KEY}` },
    body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

function scaled(s: { median: number; min: number; max: number }, by: number) {
  return { median: s.median * by, min: s.min * by, max: s.max * by };
}
