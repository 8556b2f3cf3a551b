import { KeyCipher, maskKey } from '../crypto/key-cipher.js';
import { notFound } from '../http-error.js';
import { balanceOf } from '../ledger/balance.js';
import { yuan, type Nano } from '../ledger/money.js';
import { extractKeys, isFullKey, type ParsedKeys } from './key-parse.js';
import { adminAccount } from './key-account.js';
import type { KeyEvent } from './key-events.js';
import type { KeyPatch, KeyStore } from './key-store.js';
import { moneyOfRow, toKeyView, type KeyCooling, type KeyFilter, type KeyRow, type KeySort, type KeyView } from './key-types.js';

export type ImportResult = {
  added: number;
  duplicates: number;
  invalid: number;
  unusual: number;
  /** Keys that got the balance written beside them in the text (an anchor from `import`). */
  balancesSet: number;
  /** Keys already in the pool whose balance in the text was left unapplied (see `updateExistingBalances`). */
  balancesSkipped: number;
  /** Keys that got the account named beside them in the text (new and stored keys alike). */
  accountsSet: number;
  /** Account names in the text that are not valid ones (key-account.ts): those keys keep theirs. */
  badAccounts: number;
  addedIds: number[];
};
export type ImportOptions = {
  /** Keys already in the pool take the balance written beside them too; without it their anchors stay. */
  updateExistingBalances?: boolean;
};
/** What an import of the text would do, with nothing stored; `keys` lists at most PREVIEW_KEYS of them. */
export type ImportPreview = {
  keys: { maskedKey: string; gift: number | null; paid: number | null; account: string | null; duplicate: boolean }[];
  keysLeftOut: number;
  added: number;
  duplicates: number;
  invalid: number;
  unusual: number;
  withBalance: number;
  withAccount: number;
  badAccounts: number;
};
/** One account's keys: how many, how many the pool can use now, and their known balance (yuan; null = none known). */
export type AccountSummary = { account: string | null; keys: number; usable: number; totalBalance: number | null; balanceKnown: number };
/** Balances the admin gives, in n¥: a credit left out keeps its estimate. */
export type GivenBalance = { gift?: Nano; paid?: Nano };
export type BulkResult = { affected: number; notFound: number[] };
export type ListQuery = KeyFilter & { page: number; pageSize: number; sort: KeySort };
export type ExportedKey = { id: number; key: string; view: KeyView };

/** Everything the admin does to the pool, apart from checking (check-service). */
export class KeyService {
  constructor(
    private readonly store: KeyStore,
    private readonly cipher: KeyCipher,
    /** What the pool knows of the key's account cooling (CoolingView.ofKey); the store knows nothing of it. */
    private readonly coolingOf: (key: Pick<KeyRow, 'id' | 'account'>) => KeyCooling[] = () => [],
  ) {}

  import(text: string, options: ImportOptions = {}): ImportResult {
    const parsed = extractKeys(text);
    const hashes = new Map(parsed.keys.map((key) => [key, this.cipher.hash(key)]));
    const addedIds = this.store.insertMany(
      parsed.keys.map((key) => ({ cipher: this.cipher.encrypt(key), hash: hashes.get(key)!, masked: maskKey(key) })),
    );
    return {
      added: addedIds.length,
      duplicates: parsed.repeated + parsed.keys.length - addedIds.length,
      invalid: parsed.invalid,
      unusual: parsed.unusual,
      ...this.anchorImported(parsed, hashes, addedIds, options.updateExistingBalances === true),
      accountsSet: this.accountImported(parsed, hashes),
      badAccounts: parsed.badAccounts,
      addedIds,
    };
  }

  preview(text: string): ImportPreview {
    const parsed = extractKeys(text);
    const hashes = parsed.keys.map((key) => this.cipher.hash(key));
    const stored = this.store.idsByHash(hashes);
    const keys = parsed.keys.map((key, i) => ({ key, balance: parsed.balances.get(key), duplicate: stored.has(hashes[i]!) }));
    return {
      keys: keys.slice(0, PREVIEW_KEYS).map(({ key, balance, duplicate }) => ({
        maskedKey: maskKey(key),
        gift: yuan(balance?.gift ?? null),
        paid: yuan(balance?.paid ?? null),
        account: parsed.accounts.get(key) ?? null,
        duplicate,
      })),
      keysLeftOut: Math.max(0, keys.length - PREVIEW_KEYS),
      added: keys.length - stored.size,
      duplicates: parsed.repeated + stored.size,
      invalid: parsed.invalid,
      unusual: parsed.unusual,
      withBalance: parsed.balances.size,
      withAccount: parsed.accounts.size,
      badAccounts: parsed.badAccounts,
    };
  }

  /** The admin sets these keys' balances: a new anchor from `admin`; a credit not given stays as estimated. */
  setBalances(ids: number[], given: GivenBalance): BulkResult {
    const existing = this.store.existingIds(ids);
    const { gift, paid } = given;
    const affected =
      gift !== undefined && paid !== undefined
        ? this.store.setAnchors(existing, gift, paid, 'admin')
        : this.store.setAnchorsEach(
            existing.map((id) => {
              const now = balanceOf(moneyOfRow(this.row(id)));
              return { id, gift: gift ?? now.gift, paid: paid ?? now.paid };
            }),
            'admin',
          );
    return { affected, notFound: missing(ids, existing) };
  }

  setBalance(id: number, given: GivenBalance): KeyView {
    if (this.setBalances([id], given).affected === 0) throw keyNotFound(id);
    return this.get(id);
  }

  /** The admin records a top-up of `amount` paid credit on these keys (which ends "lacks paid credit"). */
  topUps(ids: number[], amount: Nano): BulkResult {
    const existing = this.store.existingIds(ids);
    return { affected: this.store.recordTopUp(existing, amount), notFound: missing(ids, existing) };
  }

  topUp(id: number, amount: Nano): KeyView {
    if (this.store.recordTopUp([id], amount) === 0) throw keyNotFound(id);
    return this.get(id);
  }

  list(query: ListQuery): { items: KeyView[]; total: number; page: number; pageSize: number } {
    const { page, pageSize, sort } = query;
    const { rows, total } = this.store.list(this.filter(query), sort, pageSize, (page - 1) * pageSize);
    return { items: rows.map((row) => toKeyView(row, this.coolingOf(row))), total, page, pageSize };
  }

  get(id: number): KeyView {
    const row = this.row(id);
    return toKeyView(row, this.coolingOf(row));
  }

  /** `account`: a name (source `admin`) or null to clear; an invalid one is a 400 and nothing changes. */
  update(id: number, patch: KeyPatch): KeyView {
    const account = patch.account === undefined ? undefined : adminAccount(patch.account);
    if (!this.store.update(id, { ...patch, account })) throw keyNotFound(id);
    return this.get(id);
  }

  /** The admin sets (or, with null, clears) the account of these keys. */
  setAccounts(ids: number[], account: string | null): BulkResult {
    const name = adminAccount(account);
    const existing = this.store.existingIds(ids);
    return { affected: this.store.accounts.set(existing, name), notFound: missing(ids, existing) };
  }

  /** Every account with its keys, the keys with no known account last (account null). */
  accounts(): AccountSummary[] {
    return this.store.accounts.totals().map(({ total, ...rest }) => ({ ...rest, totalBalance: yuan(total) }));
  }

  delete(id: number): void {
    if (this.store.delete([id]) === 0) throw keyNotFound(id);
  }

  /** Applies enable/disable/delete to the ids that exist; reports which did not. */
  bulk(action: 'enable' | 'disable' | 'delete', ids: number[]): BulkResult {
    const existing = this.store.existingIds(ids);
    const affected = action === 'delete' ? this.store.delete(existing) : this.store.setEnabled(existing, action === 'enable');
    return { affected, notFound: missing(ids, existing) };
  }

  /** A key's status history, newest first (key-events.ts); `before` is the id of the last event shown. */
  events(id: number, limit: number, before?: number): { items: KeyEvent[] } {
    this.row(id);
    return { items: this.store.history.list(id, limit, before) };
  }

  /** Full keys, decrypted: only for the admin's explicit export. */
  export(filter: KeyFilter): ExportedKey[] {
    return this.store.all(this.filter(filter)).map((row) => ({ id: row.id, key: this.reveal(row), view: toKeyView(row) }));
  }

  /** The rows of those ids that exist, for a check of selected keys. */
  existingRows(ids: number[]): KeyRow[] {
    return this.store.existingIds(ids).flatMap((id) => this.store.get(id) ?? []);
  }

  row(id: number): KeyRow {
    const row = this.store.get(id);
    if (!row) throw keyNotFound(id);
    return row;
  }

  reveal(row: Pick<KeyRow, 'key_cipher'>): string {
    return this.cipher.decrypt(row.key_cipher);
  }

  /**
   * The balances written beside keys in an import become their anchors (source `import`): for the
   * keys just added, and for those already in the pool only when the admin asked for it.
   */
  private anchorImported(parsed: ParsedKeys, hashes: Map<string, string>, addedIds: number[], updateExisting: boolean) {
    if (parsed.balances.size === 0) return { balancesSet: 0, balancesSkipped: 0 };
    const added = new Set(addedIds);
    const ids = this.store.idsByHash([...parsed.balances.keys()].map((key) => hashes.get(key)!));
    const anchors: { id: number; gift: Nano | null; paid: Nano | null }[] = [];
    let balancesSkipped = 0;
    for (const [key, balance] of parsed.balances) {
      const id = ids.get(hashes.get(key)!);
      if (id !== undefined && (updateExisting || added.has(id))) anchors.push({ id, ...balance });
      else if (id !== undefined) balancesSkipped++;
    }
    return { balancesSet: this.store.setAnchorsEach(anchors, 'import'), balancesSkipped };
  }

  /** The account named beside a key in the text becomes its account (source `import`), stored or new. */
  private accountImported(parsed: ParsedKeys, hashes: Map<string, string>): number {
    if (parsed.accounts.size === 0) return 0;
    const ids = this.store.idsByHash([...parsed.accounts.keys()].map((key) => hashes.get(key)!));
    const named = [...parsed.accounts].flatMap(([key, account]) => {
      const id = ids.get(hashes.get(key)!);
      return id === undefined ? [] : [{ id, account }];
    });
    return this.store.accounts.setEach(named, 'import');
  }

  /** A search text that is a whole key is matched by its hash, since keys are stored encrypted. */
  private filter(query: KeyFilter): KeyFilter & { hash?: string } {
    const q = query.q?.trim();
    const { status, account } = query;
    if (q && isFullKey(q)) return { status, account, hash: this.cipher.hash(q) };
    return { status, account, q: q || undefined };
  }
}

/** At most this many keys are listed in a preview (the counts cover them all). */
const PREVIEW_KEYS = 1000;

/** The ids asked for that do not exist, each once. */
function missing(ids: number[], existing: number[]): number[] {
  const found = new Set(existing);
  return [...new Set(ids)].filter((id) => !found.has(id));
}

const keyNotFound = (id: number) => notFound('key-not-found', `No key with id ${id}.`);
