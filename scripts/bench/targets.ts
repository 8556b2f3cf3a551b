/**
 * Issue 15's targets as the benchmark reports them: each case measures its figures in alternating
 * rounds and returns one line per target it judges, ✓ or ✗ with the figures behind it.
 */

/** One judged target: which of issue 15's six (1–6), what it promises, whether it held, and the figures. */
export type TargetCheck = { target: number; label: string; ok: boolean; figures: string };

/** The median and range of a case's rounds: what every target line quotes. */
export type Spread = { median: number; min: number; max: number };

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** "0.982 (0.951–1.010)": a spread with `digits` decimals and an optional unit after each figure. */
export function formatSpread(s: Spread, digits: number, unit = ''): string {
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/** The report's target block: one line per check, in the order. */
export function targetLines(checks: readonly TargetCheck[]): string {
  return [...checks]
    .sort((a, b) => a.target - b.target)
    .map((c) => `- ${c.ok ? '✓' : '✗'} ${c.target}. ${c.label}: ${c.figures}`)
    .join('\n');
}
