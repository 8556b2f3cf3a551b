import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { openPage, useBrowser, signInAsAdmin } from './browser.js';

/**
 * Clicks that fail: before, rotating the access key, checking or editing one key, bulk actions and
 * the export failed silently (or, for the export, replaced the page with the error's JSON), and what
 * errors were shown came in the server's English. Each failure here is a real answer of the server.
 */
const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const PASSWORD = 'not-the-default';

async function signedIn(keys = 2, options: { english?: boolean } = {}) {
  t = await startTestApp({ env: { ADMIN_PASSWORD: PASSWORD }, keys: Object.fromEntries([1, 2, 3].map((i) => [fakeKey(i), {}])) });
  const { addedIds } = t.ctx.keys.import(Array.from({ length: keys }, (_, i) => fakeKey(i + 1)).join('\n'));
  const base = await t.listen();
  const { page, problems } = await openPage(browser.current);
  if (options.english) await page.goto(`${base}/lang/en`);
  await signInAsAdmin(page, base, PASSWORD);
  await expect.poll(() => page.locator('#keys-body tr').count(), { timeout: 10_000 }).toBe(keys);
  return { page, problems, addedIds, base };
}

/**
 * Chromium logs every answer ≥ 400 as a console error: those expected here (and the 401 of GET
 * /session before signing in), and nothing else.
 */
const unexpected = (problems: string[], statuses: number[]) =>
  problems.filter((p) => ![401, ...statuses].some((s) => p.includes(`status of ${s}`)));

describe('failed clicks on the admin page show what went wrong, in the page’s language', () => {
  it('a lost session: opening a tab, rotating the key and the export say so, in Chinese', async () => {
    const { page, problems } = await signedIn();
    const accessKey = t.ctx.accessKey.current().key;
    await page.context().clearCookies();

    await page.click('[data-tab=settings]');
    // Loading the tab fails first, then the rotation.
    await expect
      .poll(() => page.locator('#tab-settings .error').textContent(), { timeout: 10_000 })
      .toBe('请先以管理员身份登录（登录可能已过期，请刷新页面）。');
    // Hidden again, so that what shows next is the rotation's own failure.
    await page.evaluate("document.querySelector('#tab-settings .error').hidden = true");
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#rotate-key');
    await expect.poll(() => page.locator('#tab-settings .error').isVisible(), { timeout: 10_000 }).toBe(true);
    await expect(page.locator('#tab-settings .error').textContent()).resolves.toBe('请先以管理员身份登录（登录可能已过期，请刷新页面）。');
    expect(t.ctx.accessKey.current().key).toBe(accessKey);

    await page.click('[data-tab=keys]');
    await page.click('#export-txt');
    await expect
      .poll(() => page.locator('#tab-keys .error').textContent(), { timeout: 10_000 })
      .toBe('请先以管理员身份登录（登录可能已过期，请刷新页面）。');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(unexpected(problems, [])).toEqual([]);
  });

  it('a key deleted meanwhile: its check, its note and a bulk action say so; the rest still happens', async () => {
    const { page, problems, addedIds } = await signedIn();
    // The list shows the newest first: the first row is the second key.
    t.ctx.keys.delete(addedIds[1]!);

    await page.locator('#keys-body tr button').first().click();
    await expect
      .poll(() => page.locator('#tab-keys .error').textContent(), { timeout: 10_000 })
      .toBe('找不到这个密钥（可能已被删除），请刷新列表。');
    await expect(page.locator('#keys-body tr button').first().isEnabled()).resolves.toBe(true);

    await page.locator('#keys-body tr input[type=checkbox]').first().check();
    await page.locator('#keys-body tr input[type=checkbox]').nth(1).check();
    await page.click('[data-bulk=disable]');
    await expect
      .poll(() => page.locator('#tab-keys .error').textContent(), { timeout: 10_000 })
      .toBe('选中的密钥中有 1 个已不存在（可能已被删除），其余已处理。');
    await expect.poll(() => page.locator('#keys-body tr').count(), { timeout: 10_000 }).toBe(1);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys WHERE enabled = 0').pluck().get()).toBe(1);

    t.ctx.keys.delete(addedIds[0]!);
    const note = page.locator('#keys-body tr input.note').first();
    await note.fill('gone already');
    await note.press('Enter');
    await note.blur();
    await expect
      .poll(() => page.locator('#tab-keys .error').textContent(), { timeout: 10_000 })
      .toBe('找不到这个密钥（可能已被删除），请刷新列表。');
    expect(unexpected(problems, [404])).toEqual([]);
  });

  it('in English the same failure reads in English; an export that works is a download', async () => {
    const { page, problems, addedIds } = await signedIn(1, { english: true });
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('#export-txt')]);
    expect(saved.suggestedFilename()).toMatch(/^siliconflow-keys-\d{4}-\d{2}-\d{2}\.txt$/);
    await expect(page.locator('#tab-keys .error').isHidden()).resolves.toBe(true);

    t.ctx.keys.delete(addedIds[0]!);
    await page.locator('#keys-body tr button').first().click();
    await expect
      .poll(() => page.locator('#tab-keys .error').textContent(), { timeout: 10_000 })
      .toBe('That key no longer exists (it may have been deleted): reload the list.');
    expect(unexpected(problems, [404])).toEqual([]);
  });
});

describe('the key checker on the user page', () => {
  it('shows the server’s refusal in Chinese', async () => {
    t = await startTestApp();
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    await page.goto(`${base}/`);
    await page.fill('#checker-text', 'no key in here');
    await page.click('#checker-form button[type=submit]');
    await expect.poll(() => page.locator('#checker-error').textContent(), { timeout: 10_000 }).toBe('文本中没有找到 sk-… 格式的密钥。');
    await expect(page.locator('#checker-error').isVisible()).resolves.toBe(true);
    expect(unexpected(problems, [400])).toEqual([]);
  });
});

describe('a page that does not exist', () => {
  it('is the error page, in the page’s language, with a way home', async () => {
    t = await startTestApp();
    const base = await t.listen();
    const { page, problems } = await openPage(browser.current);
    const res = await page.goto(`${base}/no-such-page`);
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('404 · 出错了');
    await expect(page.locator('#error-page .error').textContent()).resolves.toBe('找不到这个地址。');
    await page.click('text=返回首页');
    await page.waitForSelector('#base-url');
    expect(unexpected(problems, [404])).toEqual([]);
  });
});
