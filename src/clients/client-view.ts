import type { BalanceKind } from '../ledger/balance.js';
import { exactYuan, type Nano } from '../ledger/money.js';
import { nextDayStart, nextMonthStart } from './client-periods.js';
import type { Periods } from './client-registry.js';
import {
  BUDGET_PERIODS,
  DEFAULT_CLIENT_ID,
  type BudgetPeriod,
  type ClientRecord,
  type ClientUsage,
  type PeriodUsage,
} from './client-types.js';

/** Money as the spend API shows it: an exact decimal yuan string, and what kind of figure it is (docs/ledger.md). */
export type Money = { yuan: string; kind: BalanceKind };
export type UsageFigures = { requests: number; tokens: number; spent: Money };
export type Remaining = Money & { limit: string; resetsAt: string | null };
export type ClientStatus = 'active' | 'disabled' | 'expired' | 'deleted';

export type ClientView = {
  id: number;
  kind: 'default' | 'client';
  name: string;
  note: string;
  maskedKey: string;
  status: ClientStatus;
  enabled: boolean;
  expiresAt: string | null;
  models: readonly string[];
  freeOnly: boolean;
  budgets: Record<BudgetPeriod, string | null>;
  rpm: number | null;
  maxConcurrent: number | null;
  allowedIps: readonly string[];
  createdAt: string;
  deletedAt: string | null;
  /** Made by a guest for themselves from the self-issue preset. */
  selfIssued: boolean;
  lastUsedAt: string | null;
  usage: { today: UsageFigures; thisMonth: UsageFigures; total: UsageFigures };
  remaining: Record<BudgetPeriod, Remaining | null>;
  inFlight: number;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NONE: PeriodUsage = Object.freeze({ period: 0, spent: 0, requests: 0, tokens: 0 });

/**
 * A cost from the price book is an estimate; nothing spent is exact. (Requests of unpriced models
 * count 0 here: the spend API, grouped by client, shows them apart.)
 */
const kindOf = (p: PeriodUsage): BalanceKind => (p.spent === 0 && p.requests === 0 ? 'exact' : 'estimated');
const figures = (p: PeriodUsage): UsageFigures => ({
  requests: p.requests,
  tokens: p.tokens,
  spent: { yuan: exactYuan(p.spent), kind: kindOf(p) },
});

/** The usage of the current China day and month: counters of an earlier period read as 0 (they restart at the next request). */
export function currentUsage(u: ClientUsage, periods: Periods): Record<BudgetPeriod, PeriodUsage> {
  return { day: u.day.period === periods.day ? u.day : NONE, month: u.month.period === periods.month ? u.month : NONE, total: u.total };
}

export function statusOf(record: ClientRecord, now: number): ClientStatus {
  if (record.deletedAt !== null) return 'deleted';
  if (!record.enabled) return 'disabled';
  return record.expiresAt !== null && now >= record.expiresAt ? 'expired' : 'active';
}

/** What is left of each budget (never below 0), and when it resets; null for a budget that is not set. */
export function remainingOf(
  record: ClientRecord,
  usage: Record<BudgetPeriod, PeriodUsage>,
  now: number,
): Record<BudgetPeriod, Remaining | null> {
  const resets = { day: nextDayStart(now), month: nextMonthStart(now), total: null };
  const out = {} as Record<BudgetPeriod, Remaining | null>;
  for (const period of BUDGET_PERIODS) {
    const limit = record.budgets[period];
    const used = usage[period];
    out[period] =
      limit === null
        ? null
        : { yuan: exactYuan(Math.max(0, limit - used.spent)), kind: kindOf(used), limit: exactYuan(limit), resetsAt: iso(resets[period]) };
  }
  return out;
}

/** A client as the admin API shows it: settings, usage today / this month / in total, the budgets left. */
export function clientView(record: ClientRecord, usage: ClientUsage, inFlight: number, periods: Periods, now: number): ClientView {
  const current = currentUsage(usage, periods);
  const budget = (nano: Nano | null) => (nano === null ? null : exactYuan(nano));
  return {
    id: record.id,
    kind: record.id === DEFAULT_CLIENT_ID ? 'default' : 'client',
    name: record.name,
    note: record.note,
    maskedKey: record.masked,
    status: statusOf(record, now),
    enabled: record.enabled,
    expiresAt: iso(record.expiresAt),
    models: record.models,
    freeOnly: record.freeOnly,
    budgets: { day: budget(record.budgets.day), month: budget(record.budgets.month), total: budget(record.budgets.total) },
    rpm: record.rpm,
    maxConcurrent: record.maxConcurrent,
    allowedIps: record.allowedIps,
    createdAt: iso(record.createdAt)!,
    deletedAt: iso(record.deletedAt),
    selfIssued: record.selfIssued,
    lastUsedAt: iso(usage.lastUsedAt),
    usage: { today: figures(current.day), thisMonth: figures(current.month), total: figures(current.total) },
    remaining: remainingOf(record, current, now),
    inFlight,
  };
}
