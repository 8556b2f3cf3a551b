import type { Nano } from '../ledger/money.js';

/** The admin's own key (AUTH_API_KEY or the generated access key): unlimited, listed as "default". */
export const DEFAULT_CLIENT_ID = 0;
export const DEFAULT_CLIENT_NAME = 'default';

export const BUDGET_PERIODS = ['day', 'month', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
/** n¥ per China day, per China month and over the key's life; null = no limit. */
export type ClientBudgets = Record<BudgetPeriod, Nano | null>;

/** What the admin sets on a client key; every limit is optional (null / empty = none). */
export type ClientSettings = {
  name: string;
  note: string;
  enabled: boolean;
  /** ms since epoch; null = never expires. */
  expiresAt: number | null;
  /** Exact model names and `prefix/*` wildcards; empty = every model. */
  models: readonly string[];
  /** Only the pool's free models (the freeModels setting, as it is at each request), on top of `models`. */
  freeOnly: boolean;
  budgets: ClientBudgets;
  /** Requests per sliding minute. */
  rpm: number | null;
  maxConcurrent: number | null;
  /** Addresses and CIDR ranges (as TRUST_PROXY takes them); empty = any address. */
  allowedIps: readonly string[];
};

/** A client key with `name` and no limit at all, and what is given in `over`. */
export function unlimitedClient(name: string, over: Partial<ClientSettings> = {}): ClientSettings {
  return {
    name,
    note: '',
    enabled: true,
    expiresAt: null,
    models: [],
    freeOnly: false,
    budgets: { day: null, month: null, total: null },
    rpm: null,
    maxConcurrent: null,
    allowedIps: [],
    ...over,
  };
}

/** What a client used in one period: its number (China day or month, see client-periods.ts) or 0 for the total. */
export type PeriodUsage = { period: number; spent: Nano; requests: number; tokens: number };
export type ClientUsage = { total: PeriodUsage; day: PeriodUsage; month: PeriodUsage; lastUsedAt: number | null };

/** A client as stored: its settings, the masked key, and its usage when last written. */
export type ClientRecord = ClientSettings & {
  id: number;
  masked: string;
  createdAt: number;
  deletedAt: number | null;
  /** Made by a guest or visitor for themselves (the guestSelfService preset), not by the admin. */
  selfIssued: boolean;
  usage: ClientUsage;
};

/** Where a new key comes from: the admin, or a guest's self-issue with the keyed hash of their address. */
export type ClientOrigin = { selfIssued: false } | { selfIssued: true; issuedTo: string };

export const MAX_RPM = 10_000;
export const MAX_CONCURRENT = 10_000;
