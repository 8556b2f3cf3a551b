import type { BalanceKind } from '../ledger/balance.js';
import { exactYuan, type Nano } from '../ledger/money.js';
import type { PoolMoneyRow, SpendGroup, SpendSums } from '../logs/spend-store.js';
import { DAY_MS, HOUR_MS, localDate } from './local-time.js';

/**
 * The spend as the API shows it: money as exact decimal yuan strings (src/ledger/money.ts), the
 * unpriced requests apart with their tokens, and what kind of figure it is: `exact` when nothing was
 * spent (no request, or only free ones), `estimated` when the costs come from the price table (a floor
 * when unpriced requests sit beside it), `unknown` when every request that cost anything is unpriced.
 */
export type SpendFigures = {
  kind: BalanceKind;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cost: string;
  gift: string;
  paid: string;
  /** The part of `cost` whose credit is unknown (charged while the key's gift credit was unknown). */
  unknownCredit: string;
  unpriced: { requests: number; inputTokens: number; outputTokens: number };
};

export const NO_SPEND: Readonly<SpendSums> = Object.freeze({
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cost: 0,
  gift: 0,
  paid: 0,
  unknownCredit: 0,
  unpricedRequests: 0,
  unpricedInputTokens: 0,
  unpricedOutputTokens: 0,
});

export function addSums(a: SpendSums, b: SpendSums): SpendSums {
  const sum = { ...a };
  for (const name of Object.keys(NO_SPEND) as (keyof SpendSums)[]) sum[name] = a[name] + b[name];
  return sum;
}

export function spendKind(s: SpendSums): BalanceKind {
  if (s.unpricedRequests > 0 && s.cost === 0) return 'unknown';
  return s.cost === 0 && s.unpricedRequests === 0 ? 'exact' : 'estimated';
}

export function figuresOf(s: SpendSums): SpendFigures {
  return {
    kind: spendKind(s),
    requests: s.requests,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    cost: exactYuan(s.cost),
    gift: exactYuan(s.gift),
    paid: exactYuan(s.paid),
    unknownCredit: exactYuan(s.unknownCredit),
    unpriced: { requests: s.unpricedRequests, inputTokens: s.unpricedInputTokens, outputTokens: s.unpricedOutputTokens },
  };
}

/** One credit of the pool: the sum over the `keys` where it is known; null yuan when no key knows it. */
export type PoolCredit = { yuan: string | null; kind: BalanceKind; keys: number };

export type PoolBalance = {
  gift: PoolCredit;
  paid: PoolCredit;
  total: PoolCredit;
  /** The enabled, valid keys counted, by what is known of their money (src/ledger/balance.ts). */
  keys: { counted: number; exact: number; estimated: number; unknown: number };
};

function creditOf(c: PoolMoneyRow['gift']): PoolCredit {
  if (c.keys === 0) return { yuan: null, kind: 'unknown', keys: 0 };
  return { yuan: exactYuan(c.nano), kind: c.estimatedKeys > 0 ? 'estimated' : 'exact', keys: c.keys };
}

export function poolBalanceOf(row: PoolMoneyRow): PoolBalance {
  return {
    gift: creditOf(row.gift),
    paid: creditOf(row.paid),
    total: creditOf(row.total),
    keys: { counted: row.keys, exact: row.exactKeys, estimated: row.keys - row.exactKeys - row.unknownKeys, unknown: row.unknownKeys },
  };
}

/**
 * How long a credit lasts at the current rate: what is left ÷ what the same keys spent of it per
 * hour over the window. Always an estimate; unknown when nothing is known of the credit or nothing
 * of it is being spent. It assumes the rate holds: once the gift credit is gone, what it paid for
 * moves to paid credit, so the paid runway is the longest it can be, not a promise.
 */
export type Runway =
  | { kind: 'estimated'; hours: number; days: number; at: string; perHour: string }
  | { kind: 'unknown'; hours: null; days: null; at: null; perHour: string | null; reason: 'no-balance' | 'no-spend' };

export function runwayOf(left: PoolMoneyRow['gift'], spent: Nano, windowMs: number, now: number): Runway {
  const perHourNano = (spent * HOUR_MS) / windowMs;
  const perHour = left.keys === 0 ? null : exactYuan(Math.round(perHourNano));
  if (left.keys === 0) return { kind: 'unknown', hours: null, days: null, at: null, perHour, reason: 'no-balance' };
  if (perHourNano <= 0) return { kind: 'unknown', hours: null, days: null, at: null, perHour, reason: 'no-spend' };
  const hours = Math.max(0, left.nano) / perHourNano;
  return {
    kind: 'estimated',
    hours: round1(hours),
    days: round1(hours / 24),
    at: new Date(now + hours * HOUR_MS).toISOString(),
    perHour: perHour!,
  };
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

type DayAndModel = SpendSums & { day: number; model: string | null };

/**
 * The daily spend chart: `days` local days from `from`, the models that cost most over them (null:
 * requests without a model) each with its exact yuan per day, the rest summed as `other`, and the
 * unpriced requests per day to mark beside it.
 */
export function dailyChart(rows: DayAndModel[], from: number, days: number, tzOffsetMinutes: number, topModels: number) {
  const starts = Array.from({ length: days }, (_, i) => from + i * DAY_MS);
  const byModel = new Map<string | null, Nano>();
  for (const r of rows) byModel.set(r.model, (byModel.get(r.model) ?? 0) + r.cost);
  const top = [...byModel]
    .filter(([, cost]) => cost > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, topModels)
    .map(([model]) => model);
  const perDay = (pick: (r: DayAndModel) => boolean, value: (r: DayAndModel) => number) =>
    starts.map((day) => rows.reduce((n, r) => (r.day === day && pick(r) ? n + value(r) : n), 0));
  const cost = (r: DayAndModel) => r.cost;
  return {
    days: starts.map((day) => localDate(day, tzOffsetMinutes)),
    models: top.map((model) => ({ model, cost: perDay((r) => r.model === model, cost).map(exactYuan) })),
    other: perDay((r) => !top.includes(r.model), cost).map(exactYuan),
    unpricedRequests: perDay(
      () => true,
      (r) => r.unpricedRequests,
    ),
  };
}

/** The models that cost most (then the most requests), summed from the daily rows. */
export function topModels(rows: DayAndModel[], limit: number): SpendGroup[] {
  const byModel = new Map<string | null, SpendSums>();
  for (const { day: _day, model, ...sums } of rows) byModel.set(model, addSums(byModel.get(model) ?? NO_SPEND, sums));
  return [...byModel]
    .map(([group, sums]) => ({ group, ...sums }))
    .sort((a, b) => b.cost - a.cost || b.requests - a.requests || (a.group ?? '').localeCompare(b.group ?? ''))
    .slice(0, limit);
}
