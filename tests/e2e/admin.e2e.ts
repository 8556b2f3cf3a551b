import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD } from '../../src/auth/admin-auth.js';
import { fakeKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, useBrowser, screenshot, signInAsAdmin } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

describe('the admin in a real browser', () => {
  it('sign-in, forced password change, import by paste, check all to 100 %, disable, note as text, delete', async () => {
    const keys = Object.fromEntries(
      [1, 2, 3, 4].map((i) => [fakeKey(i), i === 4 ? { behavior: 'invalid' as const } : { balance: `${i}.00` }]),
    );
    t = await startTestApp({ env: { ADMIN_PASSWORD: DEFAULT_PASSWORD }, keys });
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    await page.goto(`${base}/admin`);

    // By keyboard alone: Tab to the fields, type, Enter.
    await page.focus('#signin-username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('still-wrong');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#view-signin .error').textContent(), { timeout: 10_000 }).toBe('用户名或密码错误。');

    await page.fill('#signin-password', 'wrong');
    await page.fill('#signin-username', 'admin');
    await page.click('#signin-form button[type=submit]');
    await expect(page.locator('#view-signin .error').textContent()).resolves.toBe('用户名或密码错误。');
    await page.fill('#signin-password', 'admin');
    await page.click('#signin-form button[type=submit]');

    await page.waitForSelector('#view-password:not([hidden])');
    await page.fill('#password-current', 'admin');
    await page.fill('#password-next', 'a-much-better-password');
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('#view-main:not([hidden])');

    await page.click('#open-import');
    await page.fill('#import-text', `my keys:\n${Object.keys(keys).join(',\n')}\nsk-short`);
    await page.click('#import-form button[type=submit]');
    await expect.poll(() => page.locator('#import-result').textContent(), { timeout: 10_000 }).toBe('新增 4，重复 0，无效 1');
    // (Locators, not string predicates: the page's CSP forbids the eval those need.)
    await expect.poll(() => page.locator('#progress .label').textContent(), { timeout: 10_000 }).toMatch(/^检测完成/);
    await expect.poll(() => page.locator('#keys-body tr').count(), { timeout: 10_000 }).toBe(4);

    await page.click('#check-all');
    await expect.poll(() => page.locator('#progress .label').textContent(), { timeout: 10_000 }).toBe('检测完成：4 / 4，失败 0');
    expect(await page.getAttribute('#progress', 'aria-valuenow')).toBe('100');
    await expect(page.locator('#keys-body .status-invalid').count()).resolves.toBe(1);

    // A note with markup is shown as text.
    const firstNote = page.locator('#keys-body tr input.note').first();
    await firstNote.fill('<script>alert(1)</script>');
    await firstNote.press('Enter');
    await firstNote.blur();
    await expect
      .poll(() => t.ctx.db.prepare("SELECT COUNT(*) FROM keys WHERE note = '<script>alert(1)</script>'").pluck().get(), { timeout: 10_000 })
      .toBe(1);
    await page.reload();
    await page.waitForSelector('#view-main:not([hidden])');
    await expect(page.locator('#keys-body tr input.note').first().inputValue()).resolves.toBe('<script>alert(1)</script>');

    // Disable one key.
    await page.locator('#keys-body tr input[type=checkbox]').first().check();
    await page.click('[data-bulk=disable]');
    await page.waitForSelector('#keys-body .status-disabled');
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys WHERE enabled = 0').pluck().get()).toBe(1);

    // Delete one key, confirming the dialog.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#keys-body tr input[type=checkbox]').nth(1).check();
    await page.click('[data-bulk=delete]');
    await expect.poll(() => page.locator('#keys-body tr').count(), { timeout: 10_000 }).toBe(3);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(3);

    await screenshot(page, 'admin-keys');
    expect(await page.content()).not.toContain(fakeKey(1).slice(3, 20));
    // Chromium reports the three expected 401s (GET /session before signing in, two wrong passwords); nothing else.
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
    expect(problems).toHaveLength(3);
  });

  it('a settings change survives a reload, and the request log shows /v1 traffic', async () => {
    t = await startTestApp({ env: { ADMIN_PASSWORD: 'not-the-default' }, keys: { [fakeKey(1)]: {} } });
    t.ctx.keys.import(fakeKey(1));
    const base = await t.listen();
    const accessKey = t.ctx.accessKey.current().key;
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    t.ctx.flush();

    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, 'not-the-default');

    // The dashboard chart is drawn by Chart.js served from this server (CSP-clean), and lists what needs attention.
    await expect
      .poll(() => page.evaluate<boolean>("!!window.Chart && document.querySelector('#chart-requests').width > 0"), { timeout: 10_000 })
      .toBe(true);
    await expect(page.locator('#recent-errors li').first().textContent()).resolves.toBe('无');
    await page.click('[data-tab=logs]');
    await expect.poll(() => page.locator('#logs-body tr').count(), { timeout: 10_000 }).toBe(1);
    await page.fill('#logs-key', '999');
    await page.press('#logs-key', 'Enter');
    await page.locator('#logs-key').blur();
    await expect.poll(() => page.locator('#logs-body tr').count(), { timeout: 10_000 }).toBe(0);
    await page.fill('#logs-key', '');
    await page.locator('#logs-key').blur();
    await expect.poll(() => page.locator('#logs-body tr').count(), { timeout: 10_000 }).toBe(1);
    await expect(page.locator('#logs-body tr td').nth(1).textContent()).resolves.toBe('deepseek-ai/DeepSeek-V3');

    await page.click('[data-tab=settings]');
    await expect.poll(() => page.locator('#access-key').textContent(), { timeout: 10_000 }).toBe(accessKey);
    await page.selectOption('#set-keyStrategy', 'least-used');
    await page.fill('#set-pageSize', '7');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.locator('#settings-result').textContent(), { timeout: 10_000 }).toBe('已保存。');
    await page.fill('#set-balanceRefreshCron', 'not a cron');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.locator('#tab-settings .error').textContent(), { timeout: 10_000 }).toMatch(/^balanceRefreshCron/);

    await screenshot(page, 'admin-settings');
    // The English switch is remembered on the admin page too.
    await page.click('text=English');
    await page.waitForSelector('#view-main:not([hidden])');
    await expect(page.locator('[data-tab=settings]').textContent()).resolves.toBe('Settings');
    await page.click('[data-tab=settings]');
    await expect.poll(() => page.locator('#set-pageSize').inputValue(), { timeout: 10_000 }).toBe('7');
    await expect(page.locator('#set-keyStrategy').inputValue()).resolves.toBe('least-used');
    expect(t.ctx.settings.get()).toMatchObject({ keyStrategy: 'least-used', pageSize: 7, balanceRefreshCron: '*/30 * * * *' });

    // A voluntary password change, and an import from a .txt file.
    await page.fill('#change-current', 'not-the-default');
    await page.fill('#change-next', 'an-even-better-one');
    await page.click('#password-change-form button[type=submit]');
    await expect.poll(() => page.locator('#password-change-result').textContent(), { timeout: 10_000 }).toBe('Saved.');
    expect(await t.ctx.adminAuth.verify('admin', 'an-even-better-one')).toBe(true);
    await page.click('[data-tab=keys]');
    await page.click('#open-import');
    await page.setInputFiles('#import-file', {
      name: 'keys.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`${fakeKey(5)}\n${fakeKey(6)}\n`),
    });
    await expect.poll(() => page.locator('#import-text').inputValue(), { timeout: 10_000 }).toContain(fakeKey(5));
    await page.uncheck('#import-check');
    await page.click('#import-form button[type=submit]');
    await expect.poll(() => page.locator('#import-result').textContent(), { timeout: 10_000 }).toBe('added 2, duplicates 0, invalid 0');
    // The same page on a 360 px phone: no sideways scrolling (wide tables scroll inside their box).
    const phone = await openPage(browser.current, { width: 360 });
    await phone.page.context().addCookies(await page.context().cookies());
    await phone.page.goto(`${base}/admin`);
    await phone.page.waitForSelector('#view-main:not([hidden])');
    for (const tab of ['keys', 'logs', 'settings']) {
      await phone.page.click(`[data-tab=${tab}]`);
      expect(await fitsWidth(phone.page), tab).toBe(true);
    }

    // Chromium reports the expected answers (401 from GET /session before signing in, 400 for the bad cron); nothing else.
    expect(problems.filter((p) => !/status of 40[01]/.test(p))).toEqual([]);
  });

  it('the form reads each setting back as its type; the guest password is sent only when typed, and never shown', async () => {
    t = await startTestApp({ env: { ADMIN_PASSWORD: 'not-the-default', FREE_MODELS: 'a/b,c/d' } });
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, 'not-the-default');
    await page.click('[data-tab=settings]');
    await expect.poll(() => page.locator('#set-freeModels').inputValue(), { timeout: 10_000 }).toBe('a/b\nc/d');
    await expect(page.locator('#set-keyChecker').isChecked()).resolves.toBe(true);

    await page.selectOption('#set-accessControl', 'restricted');
    await page.fill('#set-guestPassword', 'let-me-in');
    await page.fill('#set-freeModels', 'x/y, z/w');
    await page.uncheck('#set-keyChecker');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => page.locator('#settings-result').textContent(), { timeout: 10_000 }).toBe('已保存。');
    await expect(page.locator('#set-guestPassword').inputValue()).resolves.toBe('');
    expect(t.ctx.settings.get()).toMatchObject({
      accessControl: 'restricted',
      guestPassword: 'let-me-in',
      freeModels: ['x/y', 'z/w'],
      keyChecker: false,
    });

    // Saved again with the password field left empty: the password stays.
    await page.fill('#set-pageSize', '9');
    await page.click('#settings-form button[type=submit]');
    await expect.poll(() => t.ctx.settings.get().pageSize, { timeout: 10_000 }).toBe(9);
    expect(t.ctx.settings.get().guestPassword).toBe('let-me-in');
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
