import { HttpError } from '../http-error.js';

/**
 * What an account name may be, wherever it comes from (user/info's data.id, the admin, an import):
 * 1–64 printable characters without whitespace, after trimming. Two names are reserved: `none`,
 * which the key list's filter reads as "no account known", and anything starting `key:`, the name
 * the pool gives a key whose account is unknown (accountOf in src/proxy/pool/pool-key.ts) — an
 * account called `key:7` would share key 7's limits.
 */
const ACCOUNT_SHAPE = /^[^\s\p{C}]{1,64}$/u;
export const MAX_ACCOUNT_CHARS = 64;
/** The list filter's word for keys whose account is not known. */
export const NO_ACCOUNT = 'none';

/** Why a (trimmed) account name is refused, or null when it is fine. */
export function accountProblem(name: string): string | null {
  if (!ACCOUNT_SHAPE.test(name)) return `must be 1–${MAX_ACCOUNT_CHARS} printable characters without spaces`;
  if (name.toLowerCase() === NO_ACCOUNT) return `"${NO_ACCOUNT}" is reserved (it filters keys with no account); send null to clear`;
  if (name.toLowerCase().startsWith('key:')) return '"key:…" is reserved for keys whose account is unknown';
  return null;
}

/** The account name in `text`, trimmed; undefined when it is not a valid one. */
export function validAccount(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const name = text.trim();
  return accountProblem(name) === null ? name : undefined;
}

/** The admin's account for a key: a valid name, or null to clear; anything else is a 400 invalid-account. */
export function adminAccount(value: string | null, field = 'account'): string | null {
  if (value === null) return null;
  const name = value.trim();
  const problem = accountProblem(name);
  if (problem) throw new HttpError(400, 'invalid-account', `${field}: ${problem}`);
  return name;
}
