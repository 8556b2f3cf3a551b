/** Which account a fake key belongs to: limits and jobs are the account's, not the key's. */
import { sha256 } from './fake-text.js';
import type { FakeKeyState } from './types.js';

/** The account's id as user/info's data.id shows it: the key's `account`, or one named after the key. */
export function fakeAccountId(key: string, state: Pick<FakeKeyState, 'account'>): string {
  return state.account ?? `userid-${sha256(key).toString('hex').slice(0, 20)}`;
}
