/**
 * Comparisons in alternating rounds: each round runs every side once, and every round swaps the
 * order, so a drifting machine (other work on shared cores, a CPU heating up) weighs on all alike.
 * Issue 15's cases quote the median of the rounds with their range (targets.ts).
 */

/** One side of the comparison: its name in the result, its words in the progress line, its run. */
export type Side<K extends string, R> = { name: K; label: string; run: () => Promise<R> };

/** Round i runs the sides in order when i is even, reversed when it is odd. */
export async function alternateRounds<K extends string, R>(
  rounds: number,
  sides: ReadonlyArray<Side<K, R>>,
  progress: (line: string) => void,
  what: string,
): Promise<Record<K, R>[]> {
  const results: Record<K, R>[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    const round = {} as Record<K, R>;
    for (const side of order) {
      progress(`  ${what} round ${i + 1}/${rounds}: ${side.label}`);
      round[side.name] = await side.run();
    }
    results.push(round);
  }
  return results;
}
