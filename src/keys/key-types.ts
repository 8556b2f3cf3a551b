export const KEY_STATUSES = ['active', 'exhausted', 'invalid', 'cooling', 'error'] as const;
/** What a key is, as far as SiliconFlow is concerned (stored). */
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const PUBLIC_STATUSES = [...KEY_STATUSES, 'disabled'] as const;
/** What the admin sees: a key switched off by the admin is `disabled` whatever it was before. */
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

export type KeyRow = {
  id: number;
  key_cipher: Buffer;
  key_hash: string;
  masked: string;
  note: string;
  enabled: 0 | 1;
  status: KeyStatus;
  gift_balance: number | null;
  charge_balance: number | null;
  total_balance: number | null;
  last_checked_at: number | null;
  last_error: string | null;
  created_at: number;
  usage_count: number;
  failure_count: number;
  last_used_at: number | null;
  cooling_until: number | null;
  lacks_paid: 0 | 1;
};

/** A key as every list and API answer shows it: never the full key. */
export type KeyView = {
  id: number;
  maskedKey: string;
  status: PublicStatus;
  enabled: boolean;
  note: string;
  giftBalance: number | null;
  chargeBalance: number | null;
  totalBalance: number | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  createdAt: string;
  usageCount: number;
  failureCount: number;
  lastUsedAt: string | null;
};

export type Balances = { gift: number; charge: number; total: number };

/** The outcome of checking one key against SiliconFlow. */
export type CheckResult = {
  status: Exclude<KeyStatus, 'cooling'>;
  /** Known balances; null = unknown (the balance endpoint is retired); undefined = keep what was recorded. */
  balances: Balances | null | undefined;
  error: string | null;
};

export const KEY_SORTS = ['createdAt', 'totalBalance', 'lastCheckedAt', 'usageCount', 'status', 'id'] as const;
export type KeySort = (typeof KEY_SORTS)[number] | `-${(typeof KEY_SORTS)[number]}`;

export type KeyFilter = { status?: PublicStatus; q?: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toKeyView(row: KeyRow): KeyView {
  return {
    id: row.id,
    maskedKey: row.masked,
    status: row.enabled ? row.status : 'disabled',
    enabled: row.enabled === 1,
    note: row.note,
    giftBalance: row.gift_balance,
    chargeBalance: row.charge_balance,
    totalBalance: row.total_balance,
    lastCheckedAt: iso(row.last_checked_at),
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    usageCount: row.usage_count,
    failureCount: row.failure_count,
    lastUsedAt: iso(row.last_used_at),
  };
}
