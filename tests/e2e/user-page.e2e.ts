import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, useBrowser, screenshot } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

async function start(env: Record<string, string> = {}) {
  t = await startTestApp({ env, keys: { [fakeKey(1)]: { balance: '12.50' }, [fakeKey(2)]: { behavior: 'invalid' }, [fakeKey(3)]: {} } });
  const { addedIds } = t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n'));
  for (const id of addedIds) await t.ctx.checks.checkOne(id);
  return t.listen();
}

describe('the user page in a real browser', () => {
  it('open: shows the pool, copies the base URL, no console errors or CSP violations, fits 360 px', async () => {
    const base = await start();
    const { page, problems } = await openPage(browser.current);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.goto(base + '/');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('密钥池状态');
    await expect(page.locator('#base-url').textContent()).resolves.toBe(`${base}/v1`);
    await page.locator('button.copy').first().click();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(`${base}/v1`);
    const rows = await page.locator('tbody tr').count();
    expect(rows).toBe(3);
    expect(await page.content()).not.toContain(fakeKey(1).slice(3, 20));
    // The key checker: results built from the server's answer, without storing anything.
    await page.fill('#checker-text', `${fakeKey(1)} ${fakeKey(2)}`);
    await page.click('#checker-form button[type=submit]');
    await expect.poll(() => page.locator('#checker-results tbody tr').count(), { timeout: 10_000 }).toBe(2);
    await expect(page.locator('#checker-results .status-invalid').count()).resolves.toBe(1);
    await screenshot(page, 'user-page');

    const narrow = await openPage(browser.current, { width: 360 });
    await narrow.page.goto(base + '/');
    expect(await fitsWidth(narrow.page)).toBe(true);
    expect([...problems, ...narrow.problems]).toEqual([]);
  });

  it('restricted: the guest password form, a wrong password, then the page', async () => {
    const base = await start({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    const { page, problems } = await openPage(browser.current);
    await page.goto(base + '/');
    await page.fill('#password', 'wrong');
    await page.click('button[type=submit]');
    await expect(page.locator('.error').textContent()).resolves.toBe('密码错误。');
    await page.fill('#password', 'open-sesame');
    await page.click('button[type=submit]');
    await page.waitForSelector('#base-url');
    // The wrong password was answered 401, which Chromium reports; nothing else may appear.
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });

  it('private: a visitor lands on the admin page', async () => {
    const base = await start({ ACCESS_CONTROL: 'private' });
    const { page, problems } = await openPage(browser.current);
    await page.goto(base + '/');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(problems).toEqual([]);
  });

  it('the English switch is remembered across pages', async () => {
    const base = await start();
    const { page } = await openPage(browser.current);
    await page.goto(base + '/');
    await page.click('text=English');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Pool status');
    await page.goto(base + '/?page=1');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Pool status');
  });
});
