import type { KeyStatus } from '../../keys/key-types.js';

/** A pool key as the proxy holds it in memory: the decrypted secret plus what decides whether to use it. */
export type PoolKey = {
  readonly id: number;
  readonly secret: string;
  enabled: boolean;
  status: KeyStatus;
  chargeBalance: number | null;
  totalBalance: number | null;
  /** ms since epoch while status is 'cooling'. */
  coolingUntil: number | null;
  /** Answered 30011: gift credit only, so no Pro/ models. */
  lacksPaid: boolean;
  usageCount: number;
  failureCount: number;
  /** Upstream trouble in a row; reset by a success. */
  consecutiveFailures: number;
  lastUsedAt: number;
  /** Which selector groups the key is in now (bit flags of GROUP). Owned by KeyPool. */
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
