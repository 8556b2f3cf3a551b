import { describe, expect, it } from 'vitest';
import { errorText, RequestError } from '../../public/js/request-error.js';
import { errorTextsOf } from '../../src/pages/i18n.js';

const zh = errorTextsOf('zh');
const en = errorTextsOf('en');
const show = (err: unknown, texts: Record<string, string> = zh) => errorText(err, (key) => texts[key]);

describe('a failed request, shown in the page’s language', () => {
  it('is the page’s text for the server’s code, not the server’s English message', () => {
    expect(show(new RequestError(401, 'wrong-credentials', 'Wrong username or password.'))).toBe('用户名或密码错误。');
    expect(show(new RequestError(404, 'key-not-found', 'No key with id 7.'), en)).toMatch(/^That key no longer exists/);
  });

  it('names the input the server named first, and in English keeps its explanation', () => {
    const err = new RequestError(400, 'invalid-setting', 'balanceRefreshCron: not a valid cron expression');
    expect(show(err)).toBe('balanceRefreshCron：取值无效。');
    expect(show(err, en)).toBe('balanceRefreshCron: not a valid cron expression');
    expect(show(new RequestError(400, 'invalid-request', 'Expected object, received string'))).toBe('提交的内容无效。');
  });

  it('falls back to the server’s message for a code the page has no text for', () => {
    expect(show(new RequestError(418, 'brand-new-code', 'A message from a newer server.'))).toBe('A message from a newer server.');
  });

  it('has texts for what the page finds itself: no answer, an answer without a code, anything else', () => {
    expect(show(new RequestError(0, 'network-error', 'Failed to fetch'))).toBe(zh['error.network-error']);
    expect(show(new RequestError(502, 'http-error', 'HTTP 502 Bad Gateway'))).toBe('请求失败（HTTP 502）。');
    expect(show(new TypeError('x is undefined'))).toBe(zh['error.unexpected']);
  });
});
