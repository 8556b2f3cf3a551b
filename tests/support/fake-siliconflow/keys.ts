/** In-memory accounts of the fake upstream: each key's behavior and its money, in integer n¥. */
import { splitCharge, type Wallet } from './billing.js';
import { formatFen, requireNano } from './money.js';
import type { FakeBalances, FakeKeyState } from './types.js';

export { addMoney } from './money.js';

type Flags = Omit<FakeKeyState, 'balance' | 'chargeBalance'>;

interface Account {
  flags: Flags;
  /** Gift credit (赠送余额) and paid credit (充值余额) left, and what was spent of each. */
  wallet: Wallet;
  spent: Wallet;
}

const DEFAULT_FLAGS: Flags = { behavior: 'ok', exhaustedStatus: 402 };
// New SiliconFlow accounts get a 14 yuan gift.
const DEFAULT_WALLET: Readonly<Wallet> = { gift: 14_000_000_000, paid: 0 };

export class KeyStore {
  readonly #accounts = new Map<string, Account>();
  readonly #acceptAnyKey: boolean;

  /** `acceptAnyKey`: a key never set is served as a default 'ok' key instead of an invalid one. */
  constructor(options: { acceptAnyKey?: boolean } = {}) {
    this.#acceptAnyKey = options.acceptAnyKey ?? false;
  }

  /**
   * Creates or merges a key's state. An optional field given as undefined is removed
   * (e.g. `{ retryAfterSeconds: undefined }`); a required one given as undefined is kept.
   * Balances are set exactly ("0.000002" too); a malformed amount throws.
   */
  set(key: string, patch: Partial<FakeKeyState> = {}): void {
    const current = this.#accounts.get(key) ?? { flags: { ...DEFAULT_FLAGS }, wallet: { ...DEFAULT_WALLET }, spent: { gift: 0, paid: 0 } };
    const { balance, chargeBalance, ...flags } = patch;
    const next: Account = {
      flags: withoutUndefined({
        ...current.flags,
        ...flags,
        behavior: flags.behavior ?? current.flags.behavior,
        exhaustedStatus: flags.exhaustedStatus ?? current.flags.exhaustedStatus,
      }),
      wallet: {
        gift: balance === undefined ? current.wallet.gift : requireNano(balance, 'balance'),
        paid: chargeBalance === undefined ? current.wallet.paid : requireNano(chargeBalance, 'chargeBalance'),
      },
      spent: current.spent,
    };
    // The money-named behaviors are presets of the balances, unless the balances are given too.
    if (patch.behavior === 'exhausted' && balance === undefined && chargeBalance === undefined) next.wallet = { gift: 0, paid: 0 };
    if (patch.behavior === 'gift-only' && chargeBalance === undefined) next.wallet.paid = 0;
    this.#accounts.set(key, next);
  }

  remove(key: string): void {
    this.#accounts.delete(key);
  }

  /** A copy, so callers cannot change the stored state behind the store's back. */
  get(key: string): FakeKeyState | undefined {
    const account = this.#accounts.get(key);
    return account ? stateOf(account) : undefined;
  }

  /** The state and money a request with this key is served with; undefined (answered as invalid) for an unknown key. */
  serving(key: string): { state: FakeKeyState; wallet: Wallet } | undefined {
    const account = this.#accounts.get(key);
    if (account) return { state: stateOf(account), wallet: { ...account.wallet } };
    if (!this.#acceptAnyKey) return undefined;
    return { state: stateOf({ flags: DEFAULT_FLAGS, wallet: DEFAULT_WALLET, spent: { gift: 0, paid: 0 } }), wallet: { ...DEFAULT_WALLET } };
  }

  /**
   * Takes `nano` from the key's credit by the gift-first rule and returns what each credit paid.
   * A key served by acceptAnyKey is never stored, so nothing is taken from it.
   */
  debit(key: string, nano: number, paidOnly: boolean): Wallet {
    const account = this.#accounts.get(key);
    const taken = splitCharge(account?.wallet ?? DEFAULT_WALLET, nano, paidOnly);
    if (account) {
      account.wallet = { gift: account.wallet.gift - taken.gift, paid: account.wallet.paid - taken.paid };
      account.spent = { gift: account.spent.gift + taken.gift, paid: account.spent.paid + taken.paid };
    }
    return taken;
  }

  /** Adds credit (a top-up, a new gift) to a known key; false for an unknown one. */
  credit(key: string, added: Wallet): boolean {
    const account = this.#accounts.get(key);
    if (!account) return false;
    account.wallet = { gift: account.wallet.gift + added.gift, paid: account.wallet.paid + added.paid };
    return true;
  }

  balances(key: string): FakeBalances | undefined {
    const account = this.#accounts.get(key);
    if (!account) return undefined;
    const { wallet, spent } = account;
    return {
      gift: wallet.gift,
      paid: wallet.paid,
      total: wallet.gift + wallet.paid,
      spentGift: spent.gift,
      spentPaid: spent.paid,
      spent: spent.gift + spent.paid,
    };
  }

  entries(): Array<[string, FakeKeyState, FakeBalances]> {
    return [...this.#accounts.keys()].map((key) => [key, this.get(key)!, this.balances(key)!]);
  }
}

function stateOf(account: Account): FakeKeyState {
  const { behavior, ...rest } = account.flags;
  return { behavior, balance: formatFen(account.wallet.gift), chargeBalance: formatFen(account.wallet.paid), ...rest };
}

function withoutUndefined(flags: Flags): Flags {
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as Flags;
}

/** "sk-abcd…wxyz": enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (key.length < 12) return `${key.slice(0, 3)}…`;
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}
