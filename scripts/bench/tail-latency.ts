/**
 * Issue 15, target 5: tail latency at a fixed 200 requests a second (autocannon's overallRate), JSON,
 * straight to the fake, through the bare http pipe and through this server, in alternating rounds:
 * the added p99 (a proxy's p99 − direct's in the same round) of this server ≤ the bare pipe's.
 * autocannon's rate is per connection and per second: each of the 10 connections sends its 20
 * requests back to back when a second starts, then waits for the next. So the load comes in short
 * bursts 10 deep, and the p99 holds what a proxy does under them (queueing, GC pauses) — the same for
 * every side, and none of them saturated.
 */
import { alternateRounds } from './alternate.js';
import { bodyOf, PRICED_MODEL, probe, runLoad, type LoadResult } from './load.js';
import type { Progress } from './server.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

export const TAIL_RATE = 200;
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;

export type TailOptions = { rounds: number; seconds: number };
type SideName = 'direct' | 'bare' | 'server';
export type Endpoint = { url: string; token: string };

export const tailSeconds = (o: TailOptions) => 3 * (WARMUP_SECONDS + 1) + o.rounds * 3 * (o.seconds + 1);

export async function measureTail(endpoints: Record<SideName, Endpoint>, o: TailOptions, progress: Progress): Promise<TargetCheck[]> {
  const spec = (e: Endpoint, seconds: number) => ({
    tokens: e.token,
    body: bodyOf('json', PRICED_MODEL),
    connections: CONNECTIONS,
    seconds,
    overallRate: TAIL_RATE,
  });
  for (const e of Object.values(endpoints)) {
    await probe(e.url, e.token, 'json');
    await runLoad(e.url, spec(e, WARMUP_SECONDS), 'tail warm-up');
  }
  const side = (name: SideName, label: string) => ({
    name,
    label: `${label}, ${o.seconds} s at ${TAIL_RATE} req/s`,
    run: () => runLoad(endpoints[name].url, spec(endpoints[name], o.seconds), `${TAIL_RATE} req/s`),
  });
  const rounds = await alternateRounds(
    o.rounds,
    [side('direct', 'direct'), side('bare', 'bare http pipe'), side('server', 'this server')],
    progress,
    `${TAIL_RATE} req/s`,
  );
  return [judge(rounds, o)];
}

function judge(rounds: Record<SideName, LoadResult>[], o: TailOptions): TargetCheck {
  const added = (side: SideName) => spread(rounds.map((r) => r[side].p99Ms - r.direct.p99Ms));
  const p99 = (side: SideName) => formatSpread(spread(rounds.map((r) => r[side].p99Ms)), 2, ' ms');
  const server = added('server');
  const bare = added('bare');
  return {
    target: 5,
    label: `At ${TAIL_RATE} req/s (JSON, ${rounds.length} rounds of ${o.seconds} s): added p99 ≤ the bare http pipe's`,
    ok: server.median <= bare.median,
    figures:
      `added p99 this server ${formatSpread(server, 2, ' ms')}, bare pipe ${formatSpread(bare, 2, ' ms')}; ` +
      `p99 direct ${p99('direct')}, bare pipe ${p99('bare')}, this server ${p99('server')}`,
  };
}
