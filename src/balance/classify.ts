import type { Balances, CheckResult } from '../keys/key-types.js';
import { parseYuan } from '../ledger/money.js';
import { describeAnswer, isInvalidKey, isOutOfBalance, isUpstreamOverloaded, type UpstreamAnswer } from '../siliconflow/errors.js';
import { validAccount } from '../keys/key-account.js';
import { isRetiredUserInfo, readAccountId, readBalances, type UserInfoBalances } from '../siliconflow/user-info.js';

/** What a call to SiliconFlow produced: an HTTP answer, or no answer at all. */
export type CallOutcome = ({ kind: 'answer' } & UpstreamAnswer) | { kind: 'no-answer'; reason: string };

/**
 * Step 1 of a check: GET /v1/user/info. Returns 'fallback' when the endpoint is retired (410/404),
 * so the caller asks GET /v1/models instead.
 */
export function classifyUserInfo(outcome: CallOutcome): CheckResult | 'fallback' {
  if (outcome.kind === 'answer' && isRetiredUserInfo(outcome.status)) return 'fallback';
  if (outcome.kind === 'answer' && outcome.status === 200) {
    const balances = balancesOf(readBalances(outcome.body));
    // data.id is SiliconFlow's own word on the key's account; a name we could not store is left out.
    const account = validAccount(readAccountId(outcome.body));
    const learned = account === undefined ? {} : { account };
    if (!balances) return { status: 'error', balances: undefined, error: 'user/info answered 200 without balances', ...learned };
    return { status: balances.total > 0 ? 'active' : 'exhausted', balances, error: null, ...learned };
  }
  return classifyFailure(outcome);
}

/**
 * user/info's balance strings in nano-yuan, exactly. The total is SiliconFlow's own when it sends one
 * (it has been seen negative) and gift + paid otherwise.
 */
function balancesOf(text: UserInfoBalances | null): Balances | null {
  const gift = text && parseYuan(text.gift);
  const charge = text && parseYuan(text.charge);
  if (gift === undefined || gift === null || charge === undefined || charge === null) return null;
  const total = text?.total === null || text?.total === undefined ? undefined : parseYuan(text.total);
  return { gift, charge, total: total ?? gift + charge };
}

/** Step 2 when user/info is retired: GET /v1/models proves the key is accepted; the balance stays unknown. */
export function classifyModels(outcome: CallOutcome): CheckResult {
  if (outcome.kind === 'answer' && outcome.status === 200) return { status: 'active', balances: null, error: null };
  return classifyFailure(outcome);
}

/** The exhausted key's probe (a chat completion of one token): an answer means it is paid for again. */
export function classifyProbe(outcome: CallOutcome): CheckResult {
  if (outcome.kind === 'answer' && outcome.status === 200) return { status: 'active', balances: undefined, error: null };
  return classifyFailure(outcome);
}

/**
 * Anything but success. Only a clear rejection makes a key invalid: trouble is `error`, never `invalid`;
 * SiliconFlow's overload changes nothing.
 */
function classifyFailure(outcome: CallOutcome): CheckResult {
  if (outcome.kind === 'no-answer') return { status: 'error', balances: undefined, error: outcome.reason };
  if (isInvalidKey(outcome)) return { status: 'invalid', balances: undefined, error: describeAnswer(outcome) };
  // Overload says nothing about the key (issue 13): the check could not tell, and the key keeps its status.
  if (outcome.status === 503 && isUpstreamOverloaded(outcome.body)) {
    return { status: 'error', balances: undefined, error: `could not tell: ${describeAnswer(outcome)}`, undecided: true };
  }
  if (isOutOfBalance(outcome)) {
    return { status: 'exhausted', balances: undefined, error: describeAnswer(outcome) };
  }
  return { status: 'error', balances: undefined, error: describeAnswer(outcome) };
}
