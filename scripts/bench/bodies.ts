/**
 * Issue 15, target 1: a 1 MiB non-stream answer (the fake's `fake_content_bytes` hook, the body
 * built once and kept) through this server and through the bare http pipe, in alternating rounds
 * with 8 connections: MB/s through this server ≥ 0.95× the pipe's, and the proxy's CPU per MiB of
 * both. The usage reader (src/proxy/usage-tap.ts) sees every byte of such an answer.
 */
import { alternateRounds } from './alternate.js';
import { BenchFailure, CHAT_PATH, meteredLoad, PRICED_MODEL, requestHeaders, runLoad, type LoadResult } from './load.js';
import type { Progress } from './server.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

export const BODY_BYTES = 1024 * 1024;
const MIB = 1024 * 1024;
const MIN_RATIO = 0.95;
const WARMUP_SECONDS = 2;

export type BodiesOptions = { connections: number; rounds: number; seconds: number };
/** A proxy taking part: where it listens, the token it takes, its CPU meter. */
export type Proxy = { url: string; token: string; cpu: () => number | undefined };

/** What the case takes at most, for the watchdog. */
export const bodiesSeconds = (o: BodiesOptions) => 2 * (WARMUP_SECONDS + 1) + o.rounds * 2 * (o.seconds + 1);

const body = JSON.stringify({ model: PRICED_MODEL, messages: [{ role: 'user', content: 'hi' }], fake_content_bytes: BODY_BYTES });

export async function measureBodies(server: Proxy, bare: Proxy, o: BodiesOptions, progress: Progress): Promise<TargetCheck[]> {
  const spec = (p: Proxy, seconds: number) => ({ tokens: p.token, body, connections: o.connections, seconds });
  for (const p of [server, bare]) {
    const bytes = await probe(p);
    if (Math.abs(bytes - BODY_BYTES) > 1024) throw new BenchFailure(`${p.url}: the 1 MiB answer was ${bytes} bytes`);
    await runLoad(p.url, spec(p, WARMUP_SECONDS), '1 MiB warm-up');
  }
  const side = (name: 'server' | 'bare', label: string, p: Proxy) => ({
    name,
    label: `${label}, ${o.seconds} s of 1 MiB answers`,
    run: () => meteredLoad(p.url, spec(p, o.seconds), { proxy: p.cpu }, '1 MiB'),
  });
  const rounds = await alternateRounds(
    o.rounds,
    [side('server', 'this server', server), side('bare', 'bare http pipe', bare)],
    progress,
    '1 MiB',
  );
  return [judge(rounds, o)];
}

function judge(rounds: Record<'server' | 'bare', LoadResult>[], o: BodiesOptions): TargetCheck {
  const mbps = (r: LoadResult) => (r.requestsPerSecond * BODY_BYTES) / 1e6;
  const cpuMsPerMiB = (r: LoadResult) => ((r.cores.proxy ?? Number.NaN) * 1000) / ((r.requestsPerSecond * BODY_BYTES) / MIB);
  const ratio = spread(rounds.map((r) => mbps(r.server) / mbps(r.bare)));
  const of = (pick: (r: LoadResult) => number, side: 'server' | 'bare') => spread(rounds.map((r) => pick(r[side])));
  return {
    target: 1,
    label: `1 MiB answers: MB/s ≥ ${MIN_RATIO}× the bare http pipe's (${o.connections} connections, ${rounds.length} rounds of ${o.seconds} s)`,
    ok: ratio.median >= MIN_RATIO,
    figures:
      `${formatSpread(ratio, 3, '×')}; MB/s this server ${formatSpread(of(mbps, 'server'), 0)}, bare pipe ${formatSpread(of(mbps, 'bare'), 0)}; ` +
      `proxy CPU ms per MiB this server ${formatSpread(of(cpuMsPerMiB, 'server'), 2)}, bare pipe ${formatSpread(of(cpuMsPerMiB, 'bare'), 2)}`,
  };
}

/** One answer by hand: a 200 chat.completion with usage; returns its size. */
async function probe(p: Proxy): Promise<number> {
  const res = await fetch(p.url + CHAT_PATH, {
    method: 'POST',
    headers: requestHeaders(p.token),
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: { object?: unknown; usage?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // reported below
  }
  if (res.status !== 200 || parsed.object !== 'chat.completion' || typeof parsed.usage !== 'object')
    throw new BenchFailure(`${p.url}: the 1 MiB probe got HTTP ${res.status}: ${text.slice(0, 200)}`);
  return Buffer.byteLength(text);
}
