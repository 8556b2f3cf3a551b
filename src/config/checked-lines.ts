import { z } from 'zod';

/** One line's verdict: the line as it is kept (normalised), or why it is refused. */
export type LineVerdict = string | { problem: string };

/**
 * A setting written one entry a line (MODEL_ALIASES, ACCOUNT_LIMITS): blank lines are dropped, each
 * other line is checked with the ones before it in `seen` (for repeats), and the first bad line is
 * refused with its number and text, so the admin knows exactly which one to fix.
 */
export function checkedLines(maxLineLength: number, check: (line: string, seen: Set<string>) => LineVerdict) {
  return z
    .array(z.string().max(maxLineLength))
    .max(1000)
    .transform((lines, ctx) => {
      const seen = new Set<string>();
      const out: string[] = [];
      for (const [i, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === '') continue;
        const checked = check(line, seen);
        if (typeof checked !== 'string') {
          ctx.addIssue({ code: 'custom', message: `line ${i + 1} "${line}": ${checked.problem}` });
          return z.NEVER;
        }
        out.push(checked);
      }
      return out;
    });
}
