/**
 * BENCH_MARKDOWN=path: the README's performance section from one run — the machine, issue 15's
 * targets each with ✓/✗ and its figures, and the main table — written to a file, so the README is
 * regenerated from a benchmark and never typed by hand.
 */
import { writeFileSync } from 'node:fs';
import type { TargetCheck } from './targets.js';

export type MarkdownReport = { machine: string[]; targets: readonly TargetCheck[]; mainTable: string; date: Date };

export function writeMarkdown(path: string, report: MarkdownReport): void {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = [...report.targets]
    .sort((a, b) => a.target - b.target)
    .map((c) => `| ${c.target} | ${cell(c.label)} | ${c.ok ? '✓' : '✗'} | ${cell(c.figures)} |`);
  const text = [
    `Measured with \`npm run bench\` on ${report.date.toISOString().slice(0, 10)}:`,
    '',
    ...report.machine.map((line) => `- ${line}`),
    '',
    '| # | target | | median (min–max) of the rounds |',
    '|---:|---|:-:|---|',
    ...rows,
    '',
    report.mainTable,
    '',
  ].join('\n');
  writeFileSync(path, text);
}
