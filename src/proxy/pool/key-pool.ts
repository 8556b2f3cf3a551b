import type { KeyStrategy } from '../../config/env.js';
import type { KeyStatus, PoolRow, PublicStatus } from '../../keys/key-types.js';
import { balanceOf, charge, noPaidCredit, outOfMoney, paidCreditFound, type KeyMoney, type Split } from '../../ledger/balance.js';
import type { Nano } from '../../ledger/money.js';
import { NO_MODEL, type AccountBlock } from './account-block.js';
import { BlockedSkip } from './blocked-skip.js';
import { anchorIdOf, DirtyKeys, type UnsavedChange } from './dirty-keys.js';
import { IndexedHeap } from './indexed-heap.js';
import { PoolGroups, type PickRequest } from './pool-groups.js';
import { HeldKey } from './held-key.js';
import { GROUP, type PoolKey } from './pool-key.js';
import { reloadedMoney, setMoney } from './pool-money.js';
import type { SealedSecrets } from './sealed-secrets.js';
import { ServingAccounts } from './serving-accounts.js';

export type { PickRequest } from './pool-groups.js';

/** The groups of keys that serve any model. */
const USABLE = GROUP.funded | GROUP.low;

/** PAID_RECHECK_MINUTES' default, until the settings say otherwise. */
const DEFAULT_PAID_RECHECK_MS = 60 * 60_000;

/**
 * The keys the proxy chooses from, in memory, with the ledger's estimate of each key's money.
 * Picking never touches the database and costs the same with 10 keys as with 100,000: each group of
 * keys has its own selector (PoolGroups), and a key moves between groups only when its state changes.
 * What the proxy learns about a key (verdicts, spend, hard signals) is noted in a dirty set that
 * PoolSync drains (takeChanges) to write it behind, off the hot path.
 */
export class KeyPool {
  private readonly keys = new Map<number, HeldKey>();
  /** How many of `keys` are enabled (upsert and remove keep it). */
  private enabledKeys = 0;
  /** Keys that answered 30011 and wait for their paid-credit recheck, earliest first. */
  private readonly lackingPaid = new IndexedHeap<HeldKey>((a, b) => a.lacksPaidAt! < b.lacksPaidAt!);
  private readonly dirty = new DirtyKeys();
  private readonly groups: PoolGroups;
  private paidRecheckMs = DEFAULT_PAID_RECHECK_MS;
  private blocks: readonly AccountBlock[] = [];
  private accounts: ServingAccounts | undefined;
  private accountsVersion = -1;

  constructor(strategy: KeyStrategy) {
    this.groups = new PoolGroups(strategy);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Keys the admin has not switched off, kept as they change (the alerts read it on every tick: no walk over the pool). */
  get enabledCount(): number {
    return this.enabledKeys;
  }

  get(id: number): PoolKey | undefined {
    return this.keys.get(id);
  }

  /** Rebuilds the selectors for another strategy (a runtime setting). */
  useStrategy(strategy: KeyStrategy): void {
    this.groups.rebuild(this.keys.values(), strategy);
  }

  /** MIN_BALANCE (a runtime setting): keys estimated at or below it go to the back. */
  useMinBalance(nano: Nano): void {
    this.groups.minBalance = nano;
    this.groups.rebuild(this.keys.values());
  }

  /** PAID_RECHECK_MINUTES (a runtime setting), as ms: how long a 30011 keeps a key from Pro/ models. */
  usePaidRecheck(ms: number, now = Date.now()): void {
    this.paidRecheckMs = ms;
    for (const k of this.keys.values()) {
      if (k.lacksPaidAt === null) continue;
      k.paidRecheckDue = false;
      this.trackLacking(k);
    }
    this.releaseRecheck(now);
  }

  /**
   * Adds or refreshes a key from its database row. A new key's secret is decrypted by the caller
   * (`secret`), or sealed with the others of a bulk load and decrypted when first read. The uses and
   * spend the proxy counted but has not written yet are added to the stored ones. `keepState`: the
   * row comes from an admin edit, so the status the proxy learned (and may not have written yet)
   * stays; a check's fresh verdict replaces it.
   */
  upsert(row: PoolRow, secret: (() => string) | SealedSecrets, options: { keepState?: boolean } = {}): void {
    let k = this.keys.get(row.id);
    this.enabledKeys += (row.enabled === 1 ? 1 : 0) - (k?.enabled ? 1 : 0);
    const { money, stale, newAnchor } = reloadedMoney(row, k, this.dirty.unsavedMoney(row.id));
    if (stale) this.dirty.forgetMoney(row.id);
    if (!k) {
      const held = typeof secret === 'function' ? secret() : { sealed: secret, place: secret.seal(row.key_cipher) };
      k = new HeldKey(row.id, held, money);
      this.keys.set(k.id, k);
      k.takeState(row);
    } else if (!options.keepState) k.takeState(row);
    k.takeFacts(row, this.dirty.unsavedUsage(row.id));
    setMoney(k, money);
    // Paid credit in a new anchor (a top-up, a balance set) ends a 30011 at once, and money in it
    // brings an exhausted key back, as the store does.
    if (newAnchor && (k.chargeBalance ?? 0) > 0) k.lacksPaidAt = null;
    if (newAnchor && k.status === 'exhausted' && hasMoney(k.money)) this.setStatus(k, 'active');
    this.trackLacking(k);
    this.groups.place(k);
    this.groups.updateOrder(k);
  }

  /** Whether the key's secret is still sealed (see upsert). */
  isSealed(id: number): boolean {
    return this.keys.get(id)?.isSealed ?? false;
  }

  /** Decrypts the key's secret now if it is still sealed. Throws when it does not decrypt. */
  open(id: number): void {
    const k = this.keys.get(id);
    if (k?.isSealed) void k.secret;
  }

  /** Takes a deleted key out, with what the proxy learned about it and had not written yet. */
  remove(id: number): void {
    this.dirty.forget(id);
    const k = this.keys.get(id);
    if (!k) return;
    if (k.enabled) this.enabledKeys--;
    k.enabled = false;
    this.groups.place(k);
    this.lackingPaid.remove(k);
    this.keys.delete(id);
  }

  /**
   * Removes and returns up to `limit` keys' unsaved changes, keys whose state changed first; each
   * key comes out once, however often it changed. What is taken is the caller's to write.
   */
  takeChanges(limit = Infinity): UnsavedChange[] {
    return this.dirty.take(limit);
  }

  /** `listener` runs when a key changes while no change was waiting (PoolSync arms its flush then). */
  onFirstChange(listener: () => void): void {
    this.dirty.onFirst = listener;
  }

  /**
   * What keeps an account from a model for a while (SiliconFlow's 429s, local budgets); asked on
   * every pick, for its model or NO_MODEL.
   */
  useBlocks(blocks: readonly AccountBlock[]): void {
    this.blocks = blocks;
  }

  pick(request: PickRequest, now = Date.now()): PoolKey | undefined {
    if (request.needsPaid) this.releaseRecheck(now);
    const k = this.blocks.length ? this.pickUnblocked(request, request.model || NO_MODEL, now) : this.groups.pick(request, request.tried);
    if (k) {
      k.lastUsedAt = now;
      k.usageCount++;
      this.groups.updateOrder(k);
    }
    return k;
  }

  private pickUnblocked(request: PickRequest, model: string, now: number): HeldKey | undefined {
    const skip = new BlockedSkip(this.keys, request.tried, this.blocks, model, now);
    const k = this.groups.pick(request, skip);
    const out = request.blocked;
    if (out && skip.until > 0 && (out.until === 0 || skip.until < out.until)) out.until = skip.until;
    return k;
  }

  /** Keys that could serve a request now: usable (funded or low), or exhausted (free models only). */
  availability(): { usable: number; exhausted: number } {
    return { usable: this.groups.usable, exhausted: this.groups.exhausted };
  }

  /** Every key, for the few admin-side views that look at all of them (counts, the cooling list). */
  all(): IterableIterator<PoolKey> {
    return this.keys.values();
  }

  /**
   * The distinct accounts of the usable keys, each with its number of usable keys: the pool-wide 429
   * back-off counts accounts, not keys. Rebuilt only after a key changed groups, so a 429 storm asks
   * it in O(1).
   */
  servingAccounts(): ReadonlyMap<string, number> {
    if (this.accounts && this.accountsVersion === this.groups.version) return this.accounts;
    const named = new Map<string, number>();
    let own = 0;
    for (const k of this.keys.values()) {
      if (!(k.groups & USABLE)) continue;
      if (k.account === null) own++;
      else named.set(k.account, (named.get(k.account) ?? 0) + 1);
    }
    const keys = this.keys;
    const isOwnServing = (id: number) => {
      const k = keys.get(id);
      return k !== undefined && k.account === null && (k.groups & USABLE) !== 0;
    };
    function* ownIds() {
      for (const k of keys.values()) if (isOwnServing(k.id)) yield k.id;
    }
    this.accounts = new ServingAccounts(named, own, isOwnServing, ownIds);
    this.accountsVersion = this.groups.version;
    return this.accounts;
  }

  counts(): Record<PublicStatus, number> {
    const counts: Record<PublicStatus, number> = { active: 0, exhausted: 0, invalid: 0, error: 0, disabled: 0 };
    for (const k of this.keys.values()) counts[k.enabled ? k.status : 'disabled']++;
    return counts;
  }

  // --- what the upstream said about a key (one the pool handed out; ignored once it has left) ---

  /** A use that says nothing about the key (the caller's mistake, SiliconFlow overloaded): counted, nothing else. */
  counted(key: PoolKey): void {
    const k = this.held(key);
    if (k) this.dirty.used(k);
  }

  succeeded(key: PoolKey): void {
    const k = this.held(key);
    if (!k) return;
    k.consecutiveFailures = 0;
    this.dirty.used(k);
    if (k.status !== 'error') return;
    // Recovered: the trouble is over, and so is its last error.
    this.setStatus(k, 'active');
    this.dirty.changedState(k, null);
  }

  /**
   * A paid-only (Pro/) model answered: the key has paid credit. When the estimate said it had none,
   * the ledger missed a top-up or a voucher: the paid credit becomes unknown and the admin is told.
   */
  paidCreditShown(key: PoolKey, now = Date.now()): void {
    const k = this.held(key);
    if (!k) return;
    const found = paidCreditFound(k.money, now);
    if (found) {
      this.anchor(k, found);
      this.dirty.paidFound(k, now);
    }
    if (k.lacksPaidAt === null) return;
    k.lacksPaidAt = null;
    this.trackLacking(k);
    this.groups.place(k);
    this.dirty.changedState(k);
  }

  /** What a successful answer cost, charged to the key's estimate as SiliconFlow charges it; the split is which credit paid. */
  charge(key: PoolKey, cost: Nano, paidOnly: boolean): Split | null {
    const k = this.held(key);
    if (!k) return null;
    const charged = charge(k.money, cost, paidOnly);
    setMoney(k, charged.money);
    this.dirty.spent(k, cost, charged.split);
    this.groups.place(k);
    this.groups.updateOrder(k);
    return charged.split;
  }

  markInvalid(key: PoolKey, reason: string): void {
    const k = this.held(key);
    if (!k) return;
    this.setStatus(k, 'invalid');
    this.dirty.failed(k, reason);
  }

  /** 30001: nothing left, whatever the estimate said; the key serves free models only. */
  markExhausted(key: PoolKey, reason: string, now = Date.now()): void {
    const k = this.held(key);
    if (!k) return;
    this.anchor(k, outOfMoney(now));
    this.setStatus(k, 'exhausted');
    this.dirty.failed(k, reason);
  }

  /** 30011: no paid credit; the key keeps serving other models, and Pro/ ones again after PAID_RECHECK_MINUTES. */
  markLacksPaid(key: PoolKey, reason: string, now = Date.now()): void {
    const k = this.held(key);
    if (!k) return;
    this.anchor(k, noPaidCredit(k.money, now));
    k.lacksPaidAt = now;
    k.paidRecheckDue = false;
    this.trackLacking(k);
    this.groups.place(k);
    this.dirty.failed(k, reason);
  }

  /**
   * A 429: the key's account cools for the model (AccountCooling, told by the proxy); the key itself
   * keeps its status and is not blamed — only its last error shows the 429.
   */
  rateLimited(key: PoolKey, reason: string): void {
    const k = this.held(key);
    if (k) this.dirty.failed(k, reason);
  }

  /** Upstream trouble: not the key's fault, but after `errorAfter` in a row the key is shown as `error`. */
  troubled(key: PoolKey, reason: string, errorAfter: number): void {
    const k = this.held(key);
    if (!k) return;
    k.consecutiveFailures++;
    k.failureCount++;
    if (k.consecutiveFailures >= errorAfter && k.status === 'active') this.setStatus(k, 'error');
    this.dirty.failed(k, reason);
  }

  /**
   * The pool's writable handle on a key it handed out. A request may still hold a key deleted since
   * (or whose id a new key took): what it learns then is about no key in the pool.
   */
  private held(key: PoolKey): HeldKey | undefined {
    const k = this.keys.get(key.id);
    return k === key ? k : undefined;
  }

  /** A new anchor learned from a hard signal: it replaces the estimate, and is saved before any spend. */
  private anchor(k: HeldKey, money: KeyMoney): void {
    const replaced = anchorIdOf(k.money);
    setMoney(k, money);
    this.dirty.anchored(k, replaced);
    this.groups.place(k);
    this.groups.updateOrder(k);
  }

  private setStatus(k: HeldKey, status: KeyStatus): void {
    k.status = status;
    this.groups.place(k);
  }

  /** Keys whose 30011 is PAID_RECHECK_MINUTES old may try Pro/ models again (last); only a new answer changes what is stored. */
  private releaseRecheck(now: number): void {
    for (let top = this.lackingPaid.peek(); top && top.lacksPaidAt! + this.paidRecheckMs <= now; top = this.lackingPaid.peek()) {
      this.lackingPaid.remove(top);
      top.paidRecheckDue = true;
      this.groups.place(top);
    }
  }

  /** A key lacking paid credit waits for its recheck; one without a 30011, or already due, does not. */
  private trackLacking(k: HeldKey): void {
    if (k.lacksPaidAt === null) k.paidRecheckDue = false;
    if (k.lacksPaidAt !== null && !k.paidRecheckDue) this.lackingPaid.push(k);
    else this.lackingPaid.remove(k);
  }
}

/** Some credit known to be left (an anchor with money the admin set). */
function hasMoney(m: KeyMoney): boolean {
  const { gift, paid } = balanceOf(m);
  return (gift ?? 0) + (paid ?? 0) > 0;
}
