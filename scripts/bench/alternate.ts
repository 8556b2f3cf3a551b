/**
 * A/B comparisons in alternating rounds: each round runs both sides, and every round swaps which
 * goes first, so a drifting machine (other work on shared cores, a CPU heating up) weighs on both
 * alike. Used by the ledger's and the client keys' lines (ledger.ts, clients.ts).
 */
import type { LoadOptions, LoadResult } from './load.js';

/** How an A/B line runs: its connections, its rounds, and the seconds of each side per round. */
export type RoundsOptions = { connections: number; rounds: number; seconds: number };

/** The load of one side of a round: measured from its first second (the line warms up once before). */
export const roundLoad = (o: RoundsOptions): LoadOptions => ({ connections: o.connections, warmupSeconds: 0, durationSeconds: o.seconds });

/** One side of the comparison: its name in the result, its words in the progress line, its run. */
export type Side<K extends string> = { name: K; label: string; run: () => Promise<LoadResult> };

export async function alternateRounds<K extends string>(
  rounds: number,
  sides: readonly [Side<K>, Side<K>],
  progress: (line: string) => void,
  what: string,
): Promise<Record<K, LoadResult>[]> {
  const results: Record<K, LoadResult>[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? sides : ([sides[1], sides[0]] as const);
    const round = {} as Record<K, LoadResult>;
    for (const side of order) {
      progress(`  ${what} round ${i + 1}/${rounds}: ${side.label}`);
      round[side.name] = await side.run();
    }
    results.push(round);
  }
  return results;
}
