import { balanceOf, NO_MONEY, type AnchorSource, type BalanceKind, type KeyMoney } from '../ledger/balance.js';
import { yuan, type Nano } from '../ledger/money.js';
import type { RateLimit } from '../siliconflow/rate-limits.js';

export const KEY_STATUSES = ['active', 'exhausted', 'invalid', 'error'] as const;
/**
 * What a key is, as far as SiliconFlow is concerned (stored). Not 'cooling' any more: SiliconFlow
 * limits an account per model, so a 429 cools the account for that model (src/proxy/pool/account-cooling.ts),
 * shown beside the status; rows stored as 'cooling' before migration 0009 became 'active'.
 */
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
  /** The ledger's anchor and the spend since it, in nano-yuan (src/ledger/balance.ts). */
  anchor_gift_nano: number | null;
  anchor_paid_nano: number | null;
  anchor_at: number | null;
  anchor_source: AnchorSource | null;
  spent_gift_nano: number;
  spent_paid_nano: number;
  spent_unsplit_nano: number;
  paid_found_at: number | null;
  lacks_paid_at: number | null;
  last_checked_at: number | null;
  last_error: string | null;
  created_at: number;
  usage_count: number;
  failure_count: number;
  last_used_at: number | null;
  /** Unused since migration 0009: cooling is per account × model now (the account_cooling table). */
  cooling_until: number | null;
  lacks_paid: 0 | 1;
  /** The SiliconFlow account the key belongs to; null = unknown (the key is an account of its own). */
  account: string | null;
  account_source: AccountSource | null;
};

/**
 * The columns the /v1 proxy's pool holds of a key (KeyStore.poolRows): a row without the admin's
 * text (hash, mask, note, last error), so loading 100,000 keys reads and keeps none of it.
 */
export const POOL_COLUMNS = [
  'id',
  'key_cipher',
  'enabled',
  'status',
  'anchor_gift_nano',
  'anchor_paid_nano',
  'anchor_at',
  'anchor_source',
  'spent_gift_nano',
  'spent_paid_nano',
  'spent_unsplit_nano',
  'lacks_paid_at',
  'usage_count',
  'failure_count',
  'last_used_at',
  'account',
] as const satisfies readonly (keyof KeyRow)[];
export type PoolRow = Pick<KeyRow, (typeof POOL_COLUMNS)[number]>;

/** Where a key's account was learned: SiliconFlow's user/info, the admin, or the import text. */
export type AccountSource = 'user-info' | 'admin' | 'import';

/** A key as every list and API answer shows it: never the full key. */
export type KeyView = {
  id: number;
  maskedKey: string;
  status: PublicStatus;
  enabled: boolean;
  note: string;
  /** The SiliconFlow account (null = unknown) and where it was learned. */
  account: string | null;
  accountSource: AccountSource | null;
  /** Yuan, to the fen: the ledger's estimate (or SiliconFlow's exact figure); null = unknown. */
  giftBalance: number | null;
  chargeBalance: number | null;
  totalBalance: number | null;
  /** exact (from SiliconFlow, see balanceAt for its age), estimated (≈, from balanceSource at balanceAt), or unknown. */
  balanceKind: BalanceKind;
  balanceSource: AnchorSource | null;
  balanceAt: string | null;
  lastCheckedAt: string | null;
  lastError: string | null;
  createdAt: string;
  usageCount: number;
  failureCount: number;
  lastUsedAt: string | null;
  /** The models the key's account cools for now (SiliconFlow's 429), soonest over first. */
  cooling: KeyCooling[];
};

/** The key's account may not serve `model` (null: requests naming none) until `until`, after a 429 naming `limit`. */
export type KeyCooling = { model: string | null; until: string; limit: RateLimit | null };

/** Balances as user/info reports them, in nano-yuan. */
export type Balances = { gift: Nano; charge: Nano; total: Nano };

/** The outcome of checking one key against SiliconFlow. */
export type CheckResult = {
  status: KeyStatus;
  /** Known balances; null = unknown (the balance endpoint is retired); undefined = keep what was recorded. */
  balances: Balances | null | undefined;
  error: string | null;
  /** The account user/info named (its data.id); undefined = not learned by this check (the key's stays). */
  account?: string;
  /**
   * The check could not tell (SiliconFlow overloaded: 50505/50508): the key keeps its status, and
   * `error` says why; `status` is then only what a caller that stores nothing may show.
   */
  undecided?: true;
};

export const KEY_SORTS = ['createdAt', 'totalBalance', 'lastCheckedAt', 'usageCount', 'status', 'id'] as const;
export type KeySort = (typeof KEY_SORTS)[number] | `-${(typeof KEY_SORTS)[number]}`;

/** `account`: keys of that account, or `none` for keys whose account is not known (key-account.ts). */
export type KeyFilter = { status?: PublicStatus; q?: string; account?: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The ledger's view of a stored key's money. */
export function moneyOfRow(row: PoolRow): Readonly<KeyMoney> {
  // A key imported without a balance (most of a large pool) shares the one empty money object: 40 B a key.
  if (noMoney(row)) return NO_MONEY;
  return {
    anchorGift: row.anchor_gift_nano,
    anchorPaid: row.anchor_paid_nano,
    anchorAt: row.anchor_at,
    anchorSource: row.anchor_source,
    spentGift: row.spent_gift_nano,
    spentPaid: row.spent_paid_nano,
    spentUnsplit: row.spent_unsplit_nano,
  };
}

function noMoney(row: PoolRow): boolean {
  return (
    row.anchor_gift_nano === null &&
    row.anchor_paid_nano === null &&
    row.anchor_at === null &&
    row.anchor_source === null &&
    row.spent_gift_nano === 0 &&
    row.spent_paid_nano === 0 &&
    row.spent_unsplit_nano === 0
  );
}

export function toKeyView(row: KeyRow, cooling: KeyCooling[] = []): KeyView {
  const balance = balanceOf(moneyOfRow(row));
  return {
    id: row.id,
    maskedKey: row.masked,
    status: row.enabled ? row.status : 'disabled',
    enabled: row.enabled === 1,
    note: row.note,
    account: row.account,
    accountSource: row.account_source,
    giftBalance: yuan(balance.gift),
    chargeBalance: yuan(balance.paid),
    totalBalance: yuan(balance.total),
    balanceKind: balance.kind,
    balanceSource: balance.source,
    balanceAt: iso(balance.at),
    lastCheckedAt: iso(row.last_checked_at),
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    usageCount: row.usage_count,
    failureCount: row.failure_count,
    lastUsedAt: iso(row.last_used_at),
    cooling,
  };
}
