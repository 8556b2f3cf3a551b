/** In-memory key states of the fake upstream, plus the balance arithmetic user/info needs. */
import type { FakeKeyState } from './types.js';

const DEFAULT_STATE: FakeKeyState = {
  behavior: 'ok',
  balance: '14.00', // new SiliconFlow accounts get a 14 yuan gift
  chargeBalance: '0.00',
  exhaustedStatus: 402,
};

export class KeyStore {
  readonly #keys = new Map<string, FakeKeyState>();
  readonly #acceptAnyKey: boolean;

  /** `acceptAnyKey`: a key never set is served as a default 'ok' key instead of an invalid one. */
  constructor(options: { acceptAnyKey?: boolean } = {}) {
    this.#acceptAnyKey = options.acceptAnyKey ?? false;
  }

  /**
   * Creates or merges a key's state. An optional field given as undefined is removed
   * (e.g. `{ retryAfterSeconds: undefined }`); a required one given as undefined is kept.
   */
  set(key: string, patch: Partial<FakeKeyState> = {}): void {
    const current = this.#keys.get(key) ?? { ...DEFAULT_STATE };
    const next: FakeKeyState = {
      ...current,
      ...patch,
      behavior: patch.behavior ?? current.behavior,
      balance: patch.balance ?? current.balance,
      chargeBalance: patch.chargeBalance ?? current.chargeBalance,
      exhaustedStatus: patch.exhaustedStatus ?? current.exhaustedStatus,
    };
    // An exhausted account has no money: unless told otherwise, show it as zero in user/info.
    if (patch.behavior === 'exhausted' && patch.balance === undefined && patch.chargeBalance === undefined) {
      next.balance = '0.00';
      next.chargeBalance = '0.00';
    }
    this.#keys.set(key, withoutUndefined(next));
  }

  remove(key: string): void {
    this.#keys.delete(key);
  }

  /** A copy, so callers cannot change the stored state behind the store's back. */
  get(key: string): FakeKeyState | undefined {
    const state = this.#keys.get(key);
    return state ? { ...state } : undefined;
  }

  /** The state a request with this key is served with; undefined (answered as invalid) for an unknown key. */
  serving(key: string): FakeKeyState | undefined {
    return this.get(key) ?? (this.#acceptAnyKey ? { ...DEFAULT_STATE } : undefined);
  }

  entries(): Array<[string, FakeKeyState]> {
    return [...this.#keys.entries()].map(([key, state]) => [key, { ...state }]);
  }
}

function withoutUndefined(state: FakeKeyState): FakeKeyState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as FakeKeyState;
}

/** "sk-abcd…wxyz": enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (key.length < 12) return `${key.slice(0, 3)}…`;
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}

/** Sums two 2-decimal money strings in integer cents, so "0.10" + "0.20" is exactly "0.30". */
export function addMoney(a: string, b: string): string {
  const cents = toCents(a) + toCents(b);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function toCents(value: string): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? Math.round(parsed * 100) : 0;
}
