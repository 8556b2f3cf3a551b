import type { KeyMoney } from '../../ledger/balance.js';
import type { Nano } from '../../ledger/money.js';
import type { KeyStatus } from '../../keys/key-types.js';

/**
 * A pool key as the proxy holds it in memory: the decrypted secret plus what decides whether to use it.
 * Read-only for everyone but KeyPool, which alone changes it (see held-key.ts).
 */
export interface PoolKey {
  readonly id: number;
  readonly secret: string;
  readonly enabled: boolean;
  /** The SiliconFlow account, as stored; null = unknown. Limits are per account (see accountOf). */
  readonly account: string | null;
  /** accountOf(key), kept beside it: the blocks ask it on every pick, so it is not built each time. */
  readonly accountName: string;
  readonly status: KeyStatus;
  /** The ledger's estimate: the key's anchor and what the proxy saw it spend since (src/ledger/balance.ts). */
  readonly money: Readonly<KeyMoney>;
  /** balanceOf(money).paid and .total in nano-yuan, kept beside it for the selectors; null = unknown. */
  readonly chargeBalance: Nano | null;
  readonly totalBalance: Nano | null;
  /** When the key last answered 30011 (no paid credit, so no Pro/ models); null = not known to lack it. */
  readonly lacksPaidAt: number | null;
  /** PAID_RECHECK_MINUTES have passed since lacksPaidAt: Pro/ models may try the key again, last. */
  readonly paidRecheckDue: boolean;
  readonly usageCount: number;
  readonly failureCount: number;
  /** Upstream trouble in a row; reset by a success. */
  readonly consecutiveFailures: number;
  readonly lastUsedAt: number;
}

/**
 * The sets the pool picks from. A key is in each set whose condition it meets; "usable" is enabled,
 * active or error (trouble is not the key's fault); a 429 cools its account per model instead
 * (AccountCooling, one of the pool's blocks). MIN_BALANCE draws the line
 * between funded and low: a low key is tried after the others, never declared exhausted for it.
 */
export const GROUP = {
  /** Usable, its estimated total above MIN_BALANCE or unknown: first choice for paid models. */
  funded: 1,
  /** Usable, estimated at MIN_BALANCE or less: tried after the funded keys. */
  low: 2,
  /** Usable with estimated paid credit above MIN_BALANCE: first choice for Pro/ models. */
  paid: 4,
  /** Usable, paid credit unknown, not known to lack it: second choice for Pro/ models. */
  paidUnknown: 8,
  /** Usable, paid credit at MIN_BALANCE or less, or a 30011 due for a recheck: last choice for Pro/ models. */
  paidLow: 16,
  /** Enabled, valid but out of money (a real 30001): serves free models only. */
  exhausted: 32,
} as const;

export type GroupName = keyof typeof GROUP;
export const GROUP_NAMES = Object.keys(GROUP) as GroupName[];

export function groupsOf(k: PoolKey, minBalance: Nano): number {
  if (!k.enabled) return 0;
  if (k.status === 'exhausted') return GROUP.exhausted;
  if (k.status !== 'active' && k.status !== 'error') return 0;
  const groups = k.totalBalance !== null && k.totalBalance <= minBalance ? GROUP.low : GROUP.funded;
  if (k.lacksPaidAt !== null) return k.paidRecheckDue ? groups | GROUP.paidLow : groups;
  if (k.chargeBalance === null) return groups | GROUP.paidUnknown;
  return groups | (k.chargeBalance > minBalance ? GROUP.paid : GROUP.paidLow);
}

/**
 * The account whose limits a key shares: SiliconFlow limits per account and model, not per key. A
 * key whose account is not known is an account of its own.
 */
export function accountOf(k: Pick<PoolKey, 'id' | 'account'> & { readonly accountName?: string }): string {
  return k.accountName ?? k.account ?? ownAccount(k.id);
}

/** The name of a key's own account (no known account): `key:<id>`, a name the admin may not give (key-account.ts). */
export const OWN_ACCOUNT_PREFIX = 'key:';
export const ownAccount = (id: number): string => `${OWN_ACCOUNT_PREFIX}${id}`;
