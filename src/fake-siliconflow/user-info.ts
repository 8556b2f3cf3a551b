/** GET /v1/user/info: the legacy balance answer, and its 2026 retirement (shared/SILICONFLOW.md, "Balance"). */
import type { ServerResponse } from 'node:http';
import type { FakeContext } from './context.js';
import { ERRORS, sendNotFound, sendUpstreamError } from './errors.js';
import { sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { addMoney } from './keys.js';
import type { UserInfoMode } from './types.js';

export const USER_INFO_PATH = '/v1/user/info';

/** Legacy shape: `status` a boolean, `code` an integer, all three balances 2-decimal strings. */
export function userInfo(ctx: FakeContext): void {
  const { state, key } = ctx;
  if (!state || key === null) return sendUpstreamError(ctx.res, ERRORS.invalidToken);
  const account = sha256(key).toString('hex');
  sendJson(ctx.res, 200, {
    code: 20000,
    message: 'OK',
    status: true,
    data: {
      id: `userid-${account.slice(0, 20)}`,
      name: '',
      image: '',
      email: `user-${account.slice(20, 28)}@example.com`,
      isAdmin: false,
      balance: state.balance,
      status: 'normal',
      introduction: '',
      role: '',
      chargeBalance: state.chargeBalance,
      totalBalance: addMoney(state.balance, state.chargeBalance),
    },
  });
}

/**
 * A retired endpoint answers the same for every key, before any key is looked at.
 * Returns true when the answer was sent.
 */
export function answerRetiredUserInfo(res: ServerResponse, mode: UserInfoMode): boolean {
  if (mode === 'gone') sendUpstreamError(res, ERRORS.endpointDeprecated);
  else if (mode === 'not-found') sendNotFound(res);
  return mode !== 'ok';
}
