import { describe, expect, it } from 'vitest';
import { wecomAnswer } from '../../../src/alerts/channels/wecom.js';
import { verdictOf, verdictOfError } from '../../../src/alerts/delivery-outcome.js';

const none = () => undefined;

describe('verdictOf: one row per kind of answer', () => {
  it.each([
    [200, '', none, { kind: 'sent', httpStatus: 200 }],
    [204, '', none, { kind: 'sent', httpStatus: 204 }],
    [200, '{"errcode":0,"errmsg":"ok"}', wecomAnswer, { kind: 'sent', httpStatus: 200 }],
    [
      200,
      '{"errcode":45009,"errmsg":"api freq out of limit"}',
      wecomAnswer,
      { kind: 'retry', httpStatus: 200, error: 'the bot refused the message: errcode 45009 (api freq out of limit)' },
    ],
    [301, '', none, { kind: 'fail', httpStatus: 301, error: 'HTTP 301: the channel URL redirects, and redirects are not followed' }],
    [302, '', none, { kind: 'fail', httpStatus: 302, error: 'HTTP 302: the channel URL redirects, and redirects are not followed' }],
    [400, 'bad', none, { kind: 'fail', httpStatus: 400, error: 'HTTP 400: bad' }],
    [401, '', none, { kind: 'fail', httpStatus: 401, error: 'HTTP 401' }],
    [404, 'not\n  found', none, { kind: 'fail', httpStatus: 404, error: 'HTTP 404: not found' }],
    [408, '', none, { kind: 'retry', httpStatus: 408, error: 'HTTP 408' }],
    [429, 'slow down', none, { kind: 'retry', httpStatus: 429, error: 'HTTP 429: slow down' }],
    [500, '', none, { kind: 'retry', httpStatus: 500, error: 'HTTP 500' }],
    [503, 'x'.repeat(500), none, { kind: 'retry', httpStatus: 503, error: `HTTP 503: ${'x'.repeat(200)}` }],
  ])('HTTP %i %j', (status, body, check, verdict) => {
    expect(verdictOf({ status, body }, check)).toEqual(verdict);
  });

  it('no answer: a timeout says how long it waited; a refused connection says so; both are retried', () => {
    expect(verdictOfError(Object.assign(new Error('x'), { name: 'TimeoutError' }), 10_000)).toEqual({
      kind: 'retry',
      httpStatus: null,
      error: 'no answer within 10 s',
    });
    expect(verdictOfError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), 10_000)).toEqual({
      kind: 'retry',
      httpStatus: null,
      error: 'no answer: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9',
    });
  });
});
