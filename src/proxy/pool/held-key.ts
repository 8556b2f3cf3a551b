import type { KeyStatus, PoolRow } from '../../keys/key-types.js';
import { KEY_STATUSES } from '../../keys/key-types.js';
import type { KeyMoney } from '../../ledger/balance.js';
import type { Nano } from '../../ledger/money.js';
import { ownAccount, type PoolKey } from './pool-key.js';
import type { SealedSecrets } from './sealed-secrets.js';

/** A key's secret: the text, or where a bulk load sealed it (opened on first read). */
export type HeldSecret = string | { sealed: SealedSecrets; place: number };

/**
 * KeyPool's own handle on a key: the PoolKey everyone reads, writable for the pool alone (which so
 * keeps each key in the right selector groups), and where it sits. One class, so every key has the
 * same shape with its fields in the object itself: 100,000 keys built by object spread each carried
 * a separate property array (~11 MB in all).
 */
export class HeldKey implements PoolKey {
  readonly id: number;
  enabled = false;
  account: string | null = null;
  status: KeyStatus = 'active';
  money: Readonly<KeyMoney>;
  chargeBalance: Nano | null = null;
  totalBalance: Nano | null = null;
  lacksPaidAt: number | null = null;
  paidRecheckDue = false;
  usageCount = 0;
  failureCount = 0;
  consecutiveFailures = 0;
  lastUsedAt = 0;
  /** Which selector groups the key is in now (bit flags of GROUP). */
  groups = 0;
  /** Its place in the array of its group among funded, low and exhausted, and among the paid ones; -1: none (pool-groups.ts). */
  mainAt = -1;
  paidAt = -1;
  private text: string | undefined;
  private sealed: SealedSecrets | undefined;
  private place = 0;
  /** `key:<id>`, the account of a key whose account is unknown: made when first asked for. */
  private ownName: string | undefined;

  constructor(id: number, secret: HeldSecret, money: Readonly<KeyMoney>) {
    this.id = id;
    this.money = money;
    if (typeof secret === 'string') this.text = secret;
    else {
      this.sealed = secret.sealed;
      this.place = secret.place;
    }
  }

  /** The decrypted key; a sealed one is decrypted on the first read, and the sealed copy let go. */
  get secret(): string {
    if (this.text === undefined) {
      this.text = this.sealed!.open(this.place);
      this.sealed = undefined;
    }
    return this.text;
  }

  /** Whether the secret is still sealed (not decrypted yet). */
  get isSealed(): boolean {
    return this.text === undefined;
  }

  get accountName(): string {
    return this.account ?? (this.ownName ??= ownAccount(this.id));
  }

  /** The admin's and the checks' fields as stored, and the counters (plus the uses not written yet). */
  takeFacts(row: PoolRow, unsavedUsage: number): void {
    this.enabled = row.enabled === 1;
    this.account = row.account;
    this.usageCount = row.usage_count + unsavedUsage;
    this.failureCount = row.failure_count;
    this.lastUsedAt = row.last_used_at ?? 0;
  }

  /**
   * The key's state as stored. The proxy learns it too, and may not have written what it learned yet.
   * A row still 'cooling' (written by an older version after migration 0009 ran) is an active key now.
   */
  takeState(row: PoolRow): void {
    this.status = storedStatus(row.status);
    this.lacksPaidAt = row.lacks_paid_at;
  }
}

/** The stored status as one of KEY_STATUSES' own strings: each row read brings a fresh copy of the text. */
function storedStatus(status: string): KeyStatus {
  return KEY_STATUSES.find((s) => s === status) ?? 'active';
}
