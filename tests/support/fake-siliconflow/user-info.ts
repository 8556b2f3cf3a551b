/** GET /v1/user/info: the legacy balance answer, and its 2026 retirement (docs/siliconflow.md, "Balances and the retired user/info"). */
import type { ServerResponse } from 'node:http';
import { CODE_OK, type UserInfoBody } from '../../../src/siliconflow/user-info.js';
import { fakeAccountId } from './account.js';
import type { FakeContext } from './context.js';
import { ERRORS, sendNotFound, sendUpstreamError } from './errors.js';
import { sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { formatFen } from './money.js';
import type { UserInfoMode } from './types.js';

export function userInfo(ctx: FakeContext): void {
  const { state, key, wallet } = ctx;
  if (!state || !wallet || key === null) return sendUpstreamError(ctx.res, ERRORS.invalidToken);
  const hash = sha256(key).toString('hex');
  const body: UserInfoBody = {
    code: CODE_OK,
    message: 'OK',
    status: true,
    data: {
      id: fakeAccountId(key, state),
      name: '',
      image: '',
      email: `user-${hash.slice(20, 28)}@example.com`,
      isAdmin: false,
      balance: state.balance,
      status: 'normal',
      introduction: '',
      role: '',
      chargeBalance: state.chargeBalance,
      // The exact sum, rounded once: it can be below zero after an overdraft ("-0.01").
      totalBalance: formatFen(wallet.gift + wallet.paid),
    },
  };
  sendJson(ctx.res, 200, body);
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
