/**
 * Issue 15, target 5: tail latency at a steady 200 requests a second (paced-load.ts: one request every
 * 5 ms, open loop), JSON, straight to the fake, through the bare http pipe and through this server, in
 * alternating rounds: the added p99 (a proxy's p99 − direct's in the same round) of this server ≤ the
 * bare pipe's. For information, the same through autocannon's overallRate, which sends each second's
 * requests in 10-deep bursts (its rate is per connection and per second): that p99 is queueing behind
 * a burst, so it grows with a proxy's CPU per request.
 */
import { alternateRounds } from './alternate.js';
import { bodyOf, PRICED_MODEL, probe, runLoad, type LoadResult } from './load.js';
import { runPaced } from './paced-load.js';
import type { Progress } from './server.js';
import { formatSpread, spread, type TargetCheck } from './targets.js';

export const TAIL_RATE = 200;
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;

export type TailOptions = { rounds: number; seconds: number };
type SideName = 'direct' | 'bare' | 'server';
export type Endpoint = { url: string; token: string };

/** Each side's round: the steady rate (the target) and autocannon's bursts (for information), half as long. */
type Round = { paced: LoadResult; bursts: LoadResult };

const burstSeconds = (o: TailOptions) => Math.max(2, Math.round(o.seconds / 2));

export const tailSeconds = (o: TailOptions) => 3 * (2 * WARMUP_SECONDS + 2) + o.rounds * 3 * (o.seconds + burstSeconds(o) + 2);

export async function measureTail(endpoints: Record<SideName, Endpoint>, o: TailOptions, progress: Progress): Promise<TargetCheck[]> {
  const body = bodyOf('json', PRICED_MODEL);
  const paced = (e: Endpoint, seconds: number) => runPaced(e.url, { token: e.token, body, rate: TAIL_RATE, seconds }, `${TAIL_RATE} req/s`);
  const bursts = (e: Endpoint, seconds: number) =>
    runLoad(e.url, { tokens: e.token, body, connections: CONNECTIONS, seconds, overallRate: TAIL_RATE }, `${TAIL_RATE} req/s in bursts`);
  for (const e of Object.values(endpoints)) {
    await probe(e.url, e.token, 'json');
    await paced(e, WARMUP_SECONDS);
    await bursts(e, WARMUP_SECONDS);
  }
  const side = (name: SideName, label: string) => ({
    name,
    label: `${label}, ${o.seconds} s at ${TAIL_RATE} req/s`,
    run: async (): Promise<Round> => ({
      paced: await paced(endpoints[name], o.seconds),
      bursts: await bursts(endpoints[name], burstSeconds(o)),
    }),
  });
  const rounds = await alternateRounds(
    o.rounds,
    [side('direct', 'direct'), side('bare', 'bare http pipe'), side('server', 'this server')],
    progress,
    `${TAIL_RATE} req/s`,
  );
  return [judge(rounds, o)];
}

function judge(rounds: Record<SideName, Round>[], o: TailOptions): TargetCheck {
  const added = (side: SideName, kind: keyof Round) => spread(rounds.map((r) => r[side][kind].p99Ms - r.direct[kind].p99Ms));
  const p99 = (side: SideName) => formatSpread(spread(rounds.map((r) => r[side].paced.p99Ms)), 2, ' ms');
  const server = added('server', 'paced');
  const bare = added('bare', 'paced');
  return {
    target: 5,
    label: `At a steady ${TAIL_RATE} req/s (JSON, ${rounds.length} rounds of ${o.seconds} s): added p99 ≤ the bare http pipe's`,
    ok: server.median <= bare.median,
    figures:
      `added p99 this server ${formatSpread(server, 2, ' ms')}, bare pipe ${formatSpread(bare, 2, ' ms')}; ` +
      `p99 direct ${p99('direct')}, bare pipe ${p99('bare')}, this server ${p99('server')}; ` +
      `for information, in autocannon's 10-deep bursts: added p99 this server ${formatSpread(added('server', 'bursts'), 2, ' ms')}, ` +
      `bare pipe ${formatSpread(added('bare', 'bursts'), 2, ' ms')}`,
  };
}
