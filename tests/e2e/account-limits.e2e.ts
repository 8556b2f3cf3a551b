import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { openPage, screenshot, signInAsAdmin, useBrowser } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

describe('local budgets in the admin page', () => {
  it('the settings tab shows an account used up for a model, and the budgets turned off from the form', async () => {
    t = await startTestApp({ env: { ADMIN_PASSWORD: 'not-the-default', ACCOUNT_LIMITS: '* * rpd=1' }, keys: { [fakeKey(1)]: {} } });
    t.ctx.keys.import(fakeKey(1));
    const base = await t.listen();
    const accessKey = t.ctx.accessKey.current().key;
    const ask = () =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);

    // A day's budget: the China day does not end while the test runs (a minute's might).
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, 'not-the-default');
    await page.click('[data-tab=settings]');
    await expect.poll(() => page.locator('#account-limits-body tr').count(), { timeout: 10_000 }).toBe(1);
    const cells = page.locator('#account-limits-body tr td');
    await expect(cells.nth(1).textContent()).resolves.toBe('deepseek-ai/DeepSeek-V3');
    await expect(cells.nth(2).textContent()).resolves.toBe('—');
    await expect(cells.nth(4).textContent()).resolves.toBe('1 / 1');
    await expect(cells.nth(5).getAttribute('class')).resolves.toBe('bad');
    await expect(page.locator('#set-accountLimits').inputValue()).resolves.toBe('* * rpd=1');
    await screenshot(page, 'admin-account-limits');

    await page.fill('#set-accountLimits', '* * rpd=1\noops');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.locator('#tab-settings .error').textContent(), { timeout: 10_000 }).toBe('accountLimits：取值无效。');
    await page.fill('#set-accountLimits', 'none');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.locator('#settings-result').textContent(), { timeout: 10_000 }).toBe('已保存。');
    await expect.poll(() => page.locator('#account-limits-off').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect(page.locator('#account-limits-wrap').isVisible()).resolves.toBe(false);
    expect((await ask()).status).toBe(200);
    // The 401 is the page asking for a session before the sign-in, the 400 the bad line refused.
    expect(problems.filter((p) => !/status of (401|400)/.test(p))).toEqual([]);
  });
});
