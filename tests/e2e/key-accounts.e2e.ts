import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { openPage, signInAsAdmin, useBrowser } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const POLL = { timeout: 10_000 };
/** Chromium logs each 4xx the page asked for (the session probe before sign-in, the bad input this test types) as a console error; nothing else may appear. */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of 40[01]/.test(p));
const accountOf = (id: number) => t.ctx.db.prepare('SELECT account, account_source AS source FROM keys WHERE id = ?').get(id);

describe('key accounts in a real browser', () => {
  it('shows the account column, sets one key’s account from its row and two from the bulk bar, filters and sums them', async () => {
    t = await startTestApp({ keys: Object.fromEntries([1, 2, 3].map((i) => [fakeKey(i), {}])) });
    t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n'));
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    const accountCell = (id: number) => page.locator(`#keys-body tr[data-id="${id}"] td.account`);
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(3);
    await expect(accountCell(1).textContent()).resolves.toBe('—');

    // One key, from its row: a bad name is refused in the page's language, then a long id is shown short.
    await page.locator('#keys-body tr[data-id="1"] button.account-open').click();
    await page.fill('#account-input', 'two words');
    await page.click('#account-form button[type=submit]');
    await expect.poll(() => page.locator('#tab-keys .error').textContent(), POLL).toMatch(/^账户名无效/);
    expect(accountOf(1)).toEqual({ account: null, source: null });
    const long = 'userid-0123456789abcdefghij';
    await page.fill('#account-input', long);
    await page.click('#account-form button[type=submit]');
    await expect.poll(() => page.locator('#account-result').textContent(), POLL).toBe('已为 1 个密钥设置账户。');
    await expect.poll(() => accountCell(1).textContent(), POLL).toBe('userid-0…ghij');
    await expect(accountCell(1).getAttribute('title')).resolves.toBe(`${long}（来源：管理员）`);
    expect(accountOf(1)).toEqual({ account: long, source: 'admin' });

    // Two keys, from the bulk bar.
    await page.locator('#keys-body tr[data-id="2"] input[type=checkbox]').check();
    await page.locator('#keys-body tr[data-id="3"] input[type=checkbox]').check();
    await page.click('[data-bulk="set-account"]');
    await expect(page.locator('#account-title').textContent()).resolves.toBe('选中的 2 个密钥的账户');
    await page.fill('#account-input', 'shared');
    await page.click('#account-form button[type=submit]');
    await expect.poll(() => accountCell(3).textContent(), POLL).toBe('shared');
    expect(accountOf(2)).toEqual({ account: 'shared', source: 'admin' });

    // The summary lists both accounts; a click on one filters the list on it.
    await page.locator('#account-summary-box summary').click();
    await expect
      .poll(() => page.locator('#account-summary li').allTextContents(), POLL)
      .toEqual(['shared 2 个密钥，可用 2，余额 未知', 'userid-0…ghij 1 个密钥，可用 1，余额 未知']);
    await page.locator('#account-summary li button', { hasText: 'shared' }).click();
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(2);
    await expect(page.locator('#filter-account').inputValue()).resolves.toBe('shared');
    expect(unexpected(problems)).toEqual([]);
  });
});
