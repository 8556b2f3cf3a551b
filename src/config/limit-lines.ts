import { z } from 'zod';
import { checkedLines, type LineVerdict } from './checked-lines.js';
import type { RuntimeKind } from './kinds.js';

/**
 * Local budgets per SiliconFlow account and model (ACCOUNT_LIMITS) as the admin writes them, one
 * line each: `<account | *> <model | prefix/* | *> rpm=N tpm=N rpd=N` (any of the three), or
 * `<account | *> level=L0` for the floor SiliconFlow documents. Kept as the lines, normalised, so the
 * form shows them back as written; the pool turns them into rules once per change
 * (proxy/pool/limit-rules.ts). Empty, or the one line `none`, is off.
 */
const MAX_NAME = 200;
/** Far above any account level's limits (5 million TPM at most), and still an exact plain number. */
const MAX_LIMIT = 1_000_000_000;
/** An account or a model: no spaces, no `=` (which starts a limit); `*` alone or as `prefix/*` only. */
const NAME = /^[^\s=*]+$/;
const LIMIT = /^(rpm|tpm|rpd)=(\d+)$/;
const LIMITS = ['rpm', 'tpm', 'rpd'] as const;
/** The account levels whose limits the project knows: only the documented minimum. */
export const LEVELS = ['L0'] as const;
export type Level = (typeof LEVELS)[number];

export type LimitName = (typeof LIMITS)[number];
/** 0 = no limit of that kind. */
export type Limits = Readonly<Record<LimitName, number>>;

/** One line, read: whose, for which models, and what it allows. */
export type LimitLine = Readonly<{
  /** An account id, or `*` for every account. */
  account: string;
  /** An exact model, `prefix/*`, or `*`. A level line is for every model (`*`). */
  model: string;
  limits: Limits | Level;
}>;

/** What ACCOUNT_LIMITS says for "off" (empty is off too). */
export const NO_LIMITS = 'none';

function checkName(name: string, what: string): string | null {
  if (name.length > MAX_NAME) return `the ${what} is at most ${MAX_NAME} characters`;
  if (name === '*') return null;
  const bare = what === 'model' && name.endsWith('/*') ? name.slice(0, -2) : name;
  return NAME.test(bare)
    ? null
    : `the ${what} must be one name without spaces or =, or * ${what === 'model' ? '(or prefix/*)' : ''}`.trim();
}

/** `rpm=N tpm=N rpd=N` (any, each once) as Limits, or why not. */
function readLimits(tokens: readonly string[]): Limits | string {
  const limits: Record<LimitName, number> = { rpm: 0, tpm: 0, rpd: 0 };
  if (tokens.length === 0) return 'give at least one of rpm=N, tpm=N, rpd=N (or <account> level=L0)';
  for (const token of tokens) {
    const m = LIMIT.exec(token);
    if (!m) return `"${token}" is not rpm=N, tpm=N or rpd=N`;
    const name = m[1] as LimitName;
    const n = Number(m[2]);
    if (limits[name] !== 0) return `${name} is given twice`;
    if (n < 1 || n > MAX_LIMIT) return `${name} must be a whole number from 1 to ${MAX_LIMIT}`;
    limits[name] = n;
  }
  return limits;
}

/** The line read, or why it is not one. */
export function readLimitLine(line: string): LimitLine | { problem: string } {
  const tokens = line.trim().split(/\s+/);
  const [account = '', second = ''] = tokens;
  const accountProblem = checkName(account, 'account');
  if (accountProblem) return { problem: accountProblem };
  if (second.startsWith('level=')) {
    const level = second.slice('level='.length).toUpperCase();
    if (tokens.length > 2) return { problem: 'a level line is <account> level=L0, with nothing after it' };
    if (!(LEVELS as readonly string[]).includes(level))
      return { problem: `the only known level is L0 (the documented minimum); give rpm=, tpm= or rpd= for a higher one` };
    return { account, model: '*', limits: level as Level };
  }
  if (tokens.length < 2) return { problem: 'must be <account | *> <model | prefix/* | *> rpm=N tpm=N rpd=N, or <account | *> level=L0' };
  const modelProblem = checkName(second, 'model');
  if (modelProblem) return { problem: modelProblem };
  const limits = readLimits(tokens.slice(2));
  return typeof limits === 'string' ? { problem: limits } : { account, model: second, limits };
}

/** A read line written back in its one spelling: `acc model rpm=N tpm=N` (in that order), `acc level=L0`. */
export function limitLineText(l: LimitLine): string {
  if (typeof l.limits === 'string') return `${l.account} level=${l.limits}`;
  const limits = l.limits;
  return [l.account, l.model, ...LIMITS.filter((n) => limits[n] > 0).map((n) => `${n}=${limits[n]}`)].join(' ');
}

/** The line normalised, or why it is refused: unreadable, or its account and model given twice. */
function checkLimitLine(line: string, seen: Set<string>): LineVerdict {
  const read = readLimitLine(line);
  if ('problem' in read) return read;
  const target = `${read.account} ${read.model}`;
  if (seen.has(target)) return { problem: `account ${read.account}, model ${read.model} is given twice (a level line is for every model)` };
  seen.add(target);
  return limitLineText(read);
}

const checkedLimitLines = checkedLines(4 * MAX_NAME, checkLimitLine);

/** Checks every line (blank ones dropped; `none` alone is off); a bad one is reported with its number and text. */
export const limitLines = z
  .array(z.string())
  .transform((lines) => (lines.length === 1 && lines[0]!.trim() === NO_LIMITS ? [] : lines))
  .pipe(checkedLimitLines);

/** The environment's text: lines separated by newlines or commas; unset, empty or `none` is off. */
export function limitTableEnv() {
  const items = (v: string | undefined) => (v === undefined || v.trim() === NO_LIMITS ? [] : v.split(/[\n,]+/));
  return z.string().optional().transform(items).pipe(limitLines);
}

/** The kind of ACCOUNT_LIMITS: a textarea in the form, one line each. */
export function limitTable() {
  return { env: limitTableEnv(), runtime: limitLines, input: { type: 'lines' } } as const satisfies RuntimeKind;
}
