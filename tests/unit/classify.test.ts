import { describe, expect, it } from 'vitest';
import { classifyModels, classifyUserInfo, type CallOutcome } from '../../src/balance/classify.js';

const answer = (status: number, body: unknown): CallOutcome => ({ kind: 'answer', status, body });
const userInfo = (balance: string, chargeBalance: string, totalBalance: string) =>
  answer(200, { code: 20000, message: 'OK', status: true, data: { balance, chargeBalance, totalBalance, status: 'normal' } });

describe('classifyUserInfo', () => {
  it.each([
    // Balances in exact nano-yuan (1 ¥ = 10⁹), read from SiliconFlow's decimal strings.
    ['money left → active', userInfo('0.88', '88.00', '88.88'), 'active', { gift: 880_000_000, charge: 88e9, total: 88_880_000_000 }],
    ['zero total → exhausted', userInfo('0.00', '0.00', '0.00'), 'exhausted', { gift: 0, charge: 0, total: 0 }],
    ['negative total → exhausted', userInfo('-0.01', '0.00', '-0.01'), 'exhausted', { gift: -10_000_000, charge: 0, total: -10_000_000 }],
    ['paid credit only → active', userInfo('0.00', '5.00', '5.00'), 'active', { gift: 0, charge: 5e9, total: 5e9 }],
  ])('%s', (_name, outcome, status, balances) => {
    expect(classifyUserInfo(outcome)).toEqual({ status, balances, error: null });
  });

  it('takes the account from data.id (trimmed); a missing or unstorable one is not learned', () => {
    const withId = (id: unknown) =>
      answer(200, { code: 20000, data: { id, balance: '1.00', chargeBalance: '0.00', totalBalance: '1.00', status: 'normal' } });
    expect(classifyUserInfo(withId(' acct-1 '))).toMatchObject({ status: 'active', account: 'acct-1' });
    for (const id of [undefined, 42, '', 'two words', 'key:1']) expect(classifyUserInfo(withId(id))).not.toHaveProperty('account');
  });

  it.each([
    ['410 (retired)', answer(410, { code: 20092, message: 'endpoint is deprecated', data: null })],
    ['404 (retired)', answer(404, '404 page not found')],
  ])('%s → fall back to /v1/models', (_name, outcome) => {
    expect(classifyUserInfo(outcome)).toBe('fallback');
  });

  it.each([
    ['401 with code 30014', answer(401, { code: 30014, message: 'Token is invalid.', data: null }), 'invalid'],
    ['bare string "Invalid token"', answer(401, 'Invalid token'), 'invalid'],
    ['bare string "Api key is invalid" on 403', answer(403, 'Api key is invalid'), 'invalid'],
    ['code 30014 on 400', answer(400, { code: 30014, message: 'Token is invalid.' }), 'invalid'],
    ['402 with 30001', answer(402, { code: 30001, message: 'Sorry, your account balance is insufficient' }), 'exhausted'],
    ['403 with 30001', answer(403, { code: 30001, message: 'Sorry, your account balance is insufficient' }), 'exhausted'],
    ['500 with 50507', answer(500, { code: 50507, message: 'Request failed: Unknown error.' }), 'error'],
    ['503 overloaded', answer(503, { code: 50505, message: 'Model service overloaded.' }), 'error'],
    ['504 bare string', answer(504, 'Gateway Timeout'), 'error'],
    ['429 rate limited', answer(429, { code: 50602, message: 'Request was rejected due to rate limiting.' }), 'error'],
    ['403 Forbidden without code', answer(403, 'Forbidden'), 'error'],
    ['200 without balances', answer(200, { code: 20000, data: null }), 'error'],
  ])('%s → %s, balances kept', (_name, outcome, status) => {
    const result = classifyUserInfo(outcome);
    expect(result).toMatchObject({ status, balances: undefined });
    expect(result !== 'fallback' && result.error).toBeTruthy();
  });

  it('a network failure is an error with its reason, never invalid', () => {
    expect(classifyUserInfo({ kind: 'no-answer', reason: 'network error: ECONNREFUSED' })).toEqual({
      status: 'error',
      balances: undefined,
      error: 'network error: ECONNREFUSED',
    });
  });

  it('keeps the upstream code and message in the error text', () => {
    const result = classifyUserInfo(answer(500, { code: 50507, message: 'Request failed: Unknown error.' }));
    expect(result !== 'fallback' && result.error).toBe('HTTP 500 (code 50507): Request failed: Unknown error.');
  });

  // Issue 13: overload said `error` before; it says nothing about the key, so the check cannot tell.
  it.each([50505, 50508])('503 with %i → undecided: the key keeps its status', (code) => {
    const result = classifyUserInfo(answer(503, { code, message: 'Model service overloaded.' }));
    expect(result).toEqual({
      status: 'error',
      balances: undefined,
      error: `could not tell: HTTP 503 (code ${code}): Model service overloaded.`,
      undecided: true,
    });
  });
});

describe('classifyModels', () => {
  it('200 → active with the balance unknown (null, not 0)', () => {
    expect(classifyModels(answer(200, { object: 'list', data: [] }))).toEqual({ status: 'active', balances: null, error: null });
  });

  it.each([
    [answer(401, { code: 30014, message: 'Token is invalid.' }), 'invalid'],
    [answer(502, 'Bad Gateway'), 'error'],
    [{ kind: 'no-answer' as const, reason: 'timeout' }, 'error'],
  ])('%j → %s', (outcome, status) => {
    expect(classifyModels(outcome).status).toBe(status);
  });
});
