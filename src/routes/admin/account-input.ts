import { z } from 'zod';
import { accountProblem, MAX_ACCOUNT_CHARS, NO_ACCOUNT } from '../../keys/key-account.js';

/**
 * An account as the admin sends it (PATCH, bulk set-account): a string, or null to clear. Its shape
 * (key-account.ts) is checked by the key service, which answers 400 invalid-account; here only the
 * type and a generous length, so a wrong type is the usual 400 invalid-request.
 */
export const accountValue = z.union([z.string().max(1000), z.null()], { message: 'must be an account name (a string) or null' });

/**
 * `?account=`: keys of that account, or `none` for the keys with no known account. A name that no
 * account can have is refused rather than answered with an empty list.
 */
export const accountFilter = z
  .string()
  .max(MAX_ACCOUNT_CHARS * 4)
  .transform((text, ctx) => {
    const name = text.trim();
    if (name === NO_ACCOUNT) return name;
    const problem = accountProblem(name);
    if (problem === null) return name;
    ctx.addIssue({ code: 'custom', message: `${problem}, or "${NO_ACCOUNT}" for keys with no account` });
    return z.NEVER;
  })
  .optional();
