import { describe, expect, it } from 'vitest';
import { classifyAnswer, OUTCOMES, type Outcome } from '../../../src/proxy/outcome.js';

const outcomes = Object.keys(OUTCOMES) as Outcome[];
const KEY_OUTCOMES = outcomes.filter((outcome) => OUTCOMES[outcome].budget === 'key-tries');

const err = (code: number, message = 'x') => ({ code, message, data: null });

describe('the outcome table', () => {
  it.each([
    [200, { id: 'chatcmpl' }, 'ok'],
    [401, err(30014, 'Token is invalid.'), 'invalid'],
    [401, 'Invalid token', 'invalid'],
    [401, '', 'invalid'],
    [403, 'Api key is invalid', 'invalid'],
    [400, err(30014), 'invalid'],
    [402, err(30001, 'Sorry, your account balance is insufficient'), 'exhausted'],
    [403, err(30001, 'Sorry, your account balance is insufficient'), 'exhausted'],
    [403, err(30011, 'The selected model requires paid balance.'), 'needs-paid'],
    [429, err(50602, 'Request was rejected due to rate limiting.'), 'rate-limited'],
    [429, '', 'rate-limited'],
    [503, err(50603, 'System is too busy now.'), 'pool-backoff'],
    [429, err(50603), 'pool-backoff'],
    [500, err(50507, 'Request failed: Unknown error.'), 'upstream-error'],
    [503, err(50505, 'Model service overloaded.'), 'overloaded'],
    [503, err(50508, 'System is too busy now.'), 'overloaded'],
    [504, 'Gateway Timeout', 'upstream-error'],
    [400, err(20012, 'Model does not exist.'), 'passed-through'],
    [400, err(20015, 'length of prompt_tokens must be less than max_seq_len'), 'passed-through'],
    [403, 'Forbidden', 'passed-through'],
    [403, err(30020, 'real-name verification required'), 'passed-through'],
    [404, '404 page not found', 'passed-through'],
    [413, 'too large', 'passed-through'],
    [451, 'Unavailable For Legal Reasons', 'passed-through'],
  ] as const)('HTTP %i %j → %s', (status, body, outcome) => {
    expect(classifyAnswer({ status, body })).toBe(outcome);
  });

  it('only dead-key answers spend the cheap key budget', () => {
    expect([...KEY_OUTCOMES].sort()).toEqual(['exhausted', 'invalid', 'needs-paid', 'rate-limited']);
  });

  // What each outcome does to the key, to the request, and which budget it spends (docs/proxy.en.md, "Outcomes").
  it.each([
    ['ok', 'served', 'answer', null],
    ['invalid', 'invalid', 'next-key', 'key-tries'],
    ['exhausted', 'exhausted', 'next-key', 'key-tries'],
    ['needs-paid', 'lacks-paid', 'next-paid-key', 'key-tries'],
    ['rate-limited', 'cools-down', 'next-key-or-pool-backoff', 'key-tries'],
    ['pool-backoff', 'untouched', 'pool-backoff', null],
    ['overloaded', 'counted', 'next-key', 'attempts'],
    ['upstream-error', 'troubled', 'next-key', 'attempts'],
    ['passed-through', 'counted', 'answer', null],
  ] as const)('%s: the key is %s; the request: %s; the budget spent: %s', (outcome, key, request, budget) => {
    expect(OUTCOMES[outcome]).toEqual({ key, request, budget });
  });

  it('has a row for every outcome, and no other', () => {
    expect([...outcomes].sort()).toEqual([
      'exhausted',
      'invalid',
      'needs-paid',
      'ok',
      'overloaded',
      'passed-through',
      'pool-backoff',
      'rate-limited',
      'upstream-error',
    ]);
  });
});
