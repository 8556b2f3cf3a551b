/**
 * Issue 15, target 3: 2,000 SSE streams opened evenly over 2 s (each 10 chunks 400 ms apart, so
 * all are open at once), through this server and through the bare http pipe, in alternating rounds,
 * with the same streams straight to the fake for the first-byte baseline. The proxy's RSS is read
 * every 100 ms; its peak ≤ 150 MiB, and 15 s after the last stream ended it is back within 20 MiB
 * of where it was before the streams. First byte (status line) per stream: the median added over
 * direct ≤ the bare pipe's + 1 ms. Every stream must end in [DONE], or the case fails.
 */
import { BenchFailure } from './load.js';
import type { Progress } from './server.js';
import { openStreams, type StreamsSpec } from './stream-client.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

const MIB = 1024 * 1024;
const SAMPLE_MS = 100;
const WARMUP_STREAMS = 500;
const TARGET = { peakMiB: 150, backWithinMiB: 20, firstByteOverBareMs: 1 };

export type StreamsOptions = { rounds: number; count: number; spreadMs: number; chunks: number; chunkGapMs: number; settleSeconds: number };
export type Endpoint = { url: string; token: string };
/** A proxy whose memory is watched. */
export type Watched = Endpoint & { memory: () => { rss: number } | undefined };
type ProxyRun = { firstByteMs: number; beforeMiB: number; peakMiB: number; afterMiB: number };
type Round = { direct: number; bare: ProxyRun; server: ProxyRun };

const runSeconds = (o: StreamsOptions) => (o.spreadMs + o.chunks * o.chunkGapMs) / 1000 + 2;
/** Direct runs while the first proxy of a round settles, so a round is two runs and two settles. */
export const streamsSeconds = (o: StreamsOptions) => o.rounds * 2 * (runSeconds(o) + o.settleSeconds) + 8;

export async function measureStreams(
  sides: { direct: Endpoint; bare: Watched; server: Watched },
  o: StreamsOptions,
  progress: Progress,
): Promise<TargetCheck[]> {
  // A short run of the same kind through each first, so neither the load generator's client code nor
  // a proxy's stream path runs cold. Streams, not autocannon: its full-speed load grows the heap well
  // past what the streams need (a 10-key server went from ~90 to ~170 MiB), and "before" is the baseline.
  for (const side of [sides.direct, sides.bare, sides.server]) {
    progress(`  warming up ${side.url}: ${WARMUP_STREAMS} short streams`);
    await medianFirstByte(side, { ...o, count: WARMUP_STREAMS, spreadMs: 1000, chunks: 2, chunkGapMs: 0 });
  }
  const rounds: Round[] = [];
  for (let i = 0; i < o.rounds; i++) {
    const order = i % 2 === 0 ? (['bare', 'server'] as const) : (['server', 'bare'] as const);
    const round = {} as Round;
    for (const [n, name] of order.entries()) {
      progress(
        `  ${o.count} streams round ${i + 1}/${o.rounds}: ${name === 'bare' ? 'bare http pipe' : 'this server'}, then ${o.settleSeconds} s idle`,
      );
      // The direct run needs no proxy: it runs while the round's first proxy sits idle.
      const meanwhile = n === 0 ? async () => void (round.direct = await medianFirstByte(sides.direct, o)) : undefined;
      round[name] = await proxyRun(sides[name], o, meanwhile);
    }
    rounds.push(round);
  }
  return judge(rounds, o);
}

async function proxyRun(side: Watched, o: StreamsOptions, meanwhile?: () => Promise<void>): Promise<ProxyRun> {
  const rssMiB = () => {
    const memory = side.memory();
    if (!memory) throw new BenchFailure(`cannot read the memory of the proxy at ${side.url} (no /proc?)`);
    return memory.rss / MIB;
  };
  const beforeMiB = rssMiB();
  let peakMiB = beforeMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB())), SAMPLE_MS);
  let firstByteMs: number;
  try {
    firstByteMs = await medianFirstByte(side, o);
  } finally {
    clearInterval(sampler);
  }
  peakMiB = Math.max(peakMiB, rssMiB());
  const settled = new Promise((resolve) => setTimeout(resolve, o.settleSeconds * 1000));
  if (meanwhile) await meanwhile();
  await settled;
  return { firstByteMs, beforeMiB, peakMiB, afterMiB: rssMiB() };
}

async function medianFirstByte(e: Endpoint, o: StreamsOptions): Promise<number> {
  const spec: StreamsSpec = {
    url: e.url,
    token: e.token,
    count: o.count,
    spreadMs: o.spreadMs,
    chunks: o.chunks,
    chunkGapMs: o.chunkGapMs,
  };
  const { firstByteMs, failures } = await openStreams(spec);
  if (failures.length > 0) throw new BenchFailure(`${e.url}: ${failures.length} of ${o.count} streams failed, e.g. ${failures[0]}`);
  return spread(firstByteMs).median;
}

function judge(rounds: Round[], o: StreamsOptions): TargetCheck[] {
  const of = (pick: (r: Round) => number) => spread(rounds.map(pick));
  const mib = (pick: (r: Round) => number) => formatSpread(of(pick), 1, ' MiB');
  const ms = (pick: (r: Round) => number) => formatSpread(of(pick), 2, ' ms');
  const peak = of((r) => r.server.peakMiB);
  const grown = of((r) => r.server.afterMiB - r.server.beforeMiB);
  const added = of((r) => r.server.firstByteMs - r.direct);
  const bareAdded = of((r) => r.bare.firstByteMs - r.direct);
  const what = `${o.count.toLocaleString('en-US')} SSE streams over ${o.spreadMs / 1000} s, ${rounds.length} rounds`;
  return [
    {
      target: 3,
      label: `${what}: peak RSS ≤ ${TARGET.peakMiB} MiB`,
      ok: peak.median <= TARGET.peakMiB,
      figures: `this server ${formatSpread(peak, 1, ' MiB')} (from ${mib((r) => r.server.beforeMiB)}); bare pipe ${mib((r) => r.bare.peakMiB)}`,
    },
    {
      target: 3,
      label: `${what}: ${o.settleSeconds} s after the last stream, RSS ≤ before + ${TARGET.backWithinMiB} MiB`,
      ok: grown.median <= TARGET.backWithinMiB,
      figures: `grew by: this server ${formatSpread(grown, 1, ' MiB')} (after ${mib((r) => r.server.afterMiB)}), bare pipe ${mib((r) => r.bare.afterMiB - r.bare.beforeMiB)}`,
    },
    {
      target: 3,
      label: `${what}: median first byte added over direct ≤ the bare pipe's + ${TARGET.firstByteOverBareMs} ms`,
      ok: added.median <= bareAdded.median + TARGET.firstByteOverBareMs,
      figures: `added: this server ${formatSpread(added, 2, ' ms')}, bare pipe ${formatSpread(bareAdded, 2, ' ms')}; direct ${ms((r) => r.direct)}`,
    },
  ];
}
