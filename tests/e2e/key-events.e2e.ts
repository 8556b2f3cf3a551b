import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { openPage, signInAsAdmin, useBrowser } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const POLL = { timeout: 10_000 };

describe('a key’s history in a real browser', () => {
  it('the row’s 历史 button opens its status changes, newest first, with source and reason', async () => {
    t = await startTestApp({ keys: { [fakeKey(1)]: {} } });
    const [id] = t.ctx.keys.import(fakeKey(1)).addedIds;
    t.ctx.keys.update(id!, { enabled: false });
    t.ctx.keys.update(id!, { enabled: true });
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(1);
    await page.locator(`#keys-body tr[data-id="${id}"] button.history-open`).click();
    const rows = page.locator('dialog.key-history tbody tr');
    await expect.poll(() => rows.count(), POLL).toBe(2);
    await expect(rows.nth(0).locator('td').nth(1).textContent()).resolves.toBe('已停用 → 可用');
    await expect(rows.nth(0).locator('td').nth(2).textContent()).resolves.toBe('管理员');
    await expect(rows.nth(1).locator('td').nth(3).textContent()).resolves.toBe('disabled by the admin');
    await page.click('dialog.key-history button:has-text("关闭")');
    await expect.poll(() => page.locator('dialog.key-history[open]').count(), POLL).toBe(0);
    // Chromium logs the page's first session probe (401, before sign-in) as a console error; nothing else may appear.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
