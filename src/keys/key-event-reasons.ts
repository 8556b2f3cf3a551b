import type { AnchorSource } from '../ledger/balance.js';
import type { EventSource, Why } from './key-events.js';
import type { ProxyKeyUpdate } from './key-store.js';
import type { PublicStatus } from './key-types.js';

/** The reason each of the store's writes gives the history of the keys whose status it changed (key-events.ts). */

export const BY_SWITCH: Why = {
  source: 'admin',
  reason: (_id, _from, to) => (to === 'disabled' ? 'disabled by the admin' : 'enabled by the admin'),
};
const CHECK_FOUND: Partial<Record<PublicStatus, string>> = {
  active: 'the check found it usable',
  exhausted: 'the check found no money left',
};
export const BY_TOP_UP: Why = { source: 'admin', reason: () => 'top-up recorded by the admin' };
export const balanceSet = (source: AnchorSource): Why => ({ source: 'admin', reason: () => `balance set (${source})` });

/** The proxy's reason is the answer that changed the key (its last error), or that it served again. */
export function proxyVerdict(updates: ProxyKeyUpdate[]): Why {
  const errors = new Map(updates.map((u) => [u.id, u.lastError]));
  const reason = (id: number, _from: PublicStatus, to: PublicStatus) => errors.get(id) ?? (to !== 'active' ? to : 'served a request again');
  return { source: 'proxy', reason };
}

/** A check's reason is its error; a check that passed says what it found. */
export function checkVerdict(source: EventSource, error: string | null): Why {
  return { source, reason: (_id, _from, to) => error ?? CHECK_FOUND[to] ?? `the check found it ${to}` };
}
