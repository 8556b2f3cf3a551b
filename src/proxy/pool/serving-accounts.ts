import { OWN_ACCOUNT_PREFIX as OWN_PREFIX, ownAccount } from './pool-key.js';

/**
 * The distinct accounts of the usable keys, each with its number of usable keys, as a map that holds
 * only the named accounts: a key of no known account is an account of its own (`key:<id>`, accountOf),
 * answered from the pool instead of a name and an entry per key (100,000 such keys made a 100,000-entry
 * map and as many names on every rebuild: ~7 MB).
 */
export class ServingAccounts implements ReadonlyMap<string, number> {
  constructor(
    private readonly named: ReadonlyMap<string, number>,
    /** How many usable keys have no known account; whether a key is one now; their ids, for iterating. */
    private readonly ownCount: number,
    private readonly isOwnServing: (id: number) => boolean,
    private readonly ownIds: () => Iterable<number>,
  ) {}

  get size(): number {
    return this.named.size + this.ownCount;
  }

  get(account: string): number | undefined {
    const n = this.named.get(account);
    if (n !== undefined || !account.startsWith(OWN_PREFIX)) return n;
    const id = Number(account.slice(OWN_PREFIX.length));
    return Number.isInteger(id) && this.isOwnServing(id) ? 1 : undefined;
  }

  has(account: string): boolean {
    return this.get(account) !== undefined;
  }

  *entries(): MapIterator<[string, number]> {
    yield* this.named;
    for (const id of this.ownIds()) yield [ownAccount(id), 1];
  }

  *keys(): MapIterator<string> {
    for (const [account] of this.entries()) yield account;
  }

  *values(): MapIterator<number> {
    for (const [, n] of this.entries()) yield n;
  }

  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [account, n] of this.entries()) fn(n, account, this);
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}
