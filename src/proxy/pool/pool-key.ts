import type { Nano } from '../../ledger/money.js';
import type { KeyStatus } from '../../keys/key-types.js';

/**
 * A pool key as the proxy holds it in memory: the decrypted secret plus what decides whether to use it.
 * Read-only for everyone but KeyPool, which alone changes it (see HeldKey) and so keeps each key in the
 * right selector groups.
 */
export interface PoolKey {
  readonly id: number;
  readonly secret: string;
  readonly enabled: boolean;
  readonly status: KeyStatus;
  /** The ledger's paid credit and total, in nano-yuan (src/ledger/balance.ts); null = unknown. */
  readonly chargeBalance: Nano | null;
  readonly totalBalance: Nano | null;
  /** ms since epoch while status is 'cooling'. */
  readonly coolingUntil: number | null;
  /** Answered 30011: gift credit only, so no Pro/ models. */
  readonly lacksPaid: boolean;
  readonly usageCount: number;
  readonly failureCount: number;
  /** Upstream trouble in a row; reset by a success. */
  readonly consecutiveFailures: number;
  readonly lastUsedAt: number;
}

type Writable<T> = { -readonly [F in keyof T]: T[F] };

/** KeyPool's own handle on a key: the same object, writable but for its identity, and where it sits. */
export type HeldKey = Writable<Omit<PoolKey, 'id' | 'secret'>> &
  Pick<PoolKey, 'id' | 'secret'> & {
    /** Which selector groups the key is in now (bit flags of GROUP). */
    groups: number;
  };

/** The sets the pool picks from. A key is in each set whose condition it meets. */
export const GROUP = {
  /** Enabled, active or error (trouble is not the key's fault), not cooling: serves any model. */
  usable: 1,
  /** Usable with known paid credit: first choice for Pro/ models. */
  paid: 2,
  /** Usable, paid credit unknown, not known to lack it: second choice for Pro/ models. */
  paidUnknown: 4,
  /** Enabled, valid but out of money: serves free models only. */
  exhausted: 8,
} as const;

export function groupsOf(k: PoolKey): number {
  if (!k.enabled) return 0;
  if (k.status === 'exhausted') return GROUP.exhausted;
  if (k.status !== 'active' && k.status !== 'error') return 0;
  let groups = GROUP.usable;
  if (k.lacksPaid) return groups;
  if (k.chargeBalance !== null && k.chargeBalance > 0) groups |= GROUP.paid;
  else if (k.chargeBalance === null) groups |= GROUP.paidUnknown;
  return groups;
}
