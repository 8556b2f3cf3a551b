import OpenAI from 'openai';
import { errorTextsOf } from '../../src/pages/i18n.js';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { yuanText } from '../../public/js/exact-yuan.js';
import { exactYuan } from '../../src/ledger/money.js';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, screenshot, signInAsAdmin, useBrowser } from './browser.js';

/**
 * Client keys in a real browser (issue 12): the clients tab creates a key from a preset and shows it
 * once; the key is used over real /v1 with the OpenAI SDK against the fake SiliconFlow; its spend and
 * budget show in the list; edit, rotate, disable and delete act at once on /v1; the user page's
 * lookup shows the holder their own key, and refuses a wrong key and too many lookups in words.
 */
const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const FREE = 'Qwen/Qwen2.5-7B-Instruct';
const PAID = 'deepseek-ai/DeepSeek-V3';
const NANO = 1_000_000_000;
const POLL = { timeout: 10_000 };
/**
 * Chromium logs each 4xx the page asked for as a console error: the sign-in page's session check
 * (401), a bad budget typed (400), a wrong key looked up (404), too many lookups (429). Nothing else may appear.
 */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of (400|401|404|429)/.test(p));

async function start(): Promise<string> {
  t = await startTestApp({ env: { FREE_MODELS: FREE }, keys: { [fakeKey(1)]: {} } });
  t.ctx.keys.import(fakeKey(1));
  return t.listen();
}

/** The SDK as a client of the pool would use it; no retries, so a refusal is the answer the test reads. */
const sdk = (base: string, apiKey: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 });
const ask = (base: string, apiKey: string, model: string) =>
  sdk(base, apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
/** The SDK's error for a refused call (status and the proxy's numeric code). */
async function refusedWith(call: Promise<unknown>): Promise<{ status: number | undefined; code: unknown; message: string }> {
  const err = await call.then(
    () => new Error('the call was not refused'),
    (e: unknown) => e,
  );
  if (!(err instanceof OpenAI.APIError)) throw err;
  return { status: err.status, code: err.code, message: err.message };
}

const row = (page: Page, id: number) => page.locator(`#clients-body tr[data-id="${id}"]`);
const tabError = (page: Page) => page.locator('#tab-clients .error');
const reloadList = (page: Page) => page.click('[data-tab=clients]');

/** Submits the form and reads the key out of the once-box, then closes the box. */
async function keyFromOnceBox(page: Page): Promise<string> {
  await page.waitForSelector('#client-once:not([hidden])');
  await expect(page.locator('.client-once-warning').textContent()).resolves.toMatch(/不会再显示/);
  const key = (await page.locator('#client-once-key').textContent()) ?? '';
  expect(key).toMatch(/^sfm-[A-Za-z0-9_-]{40}$/);
  await page.click('#client-once-close');
  await expect(page.locator('#client-once').isHidden()).resolves.toBe(true);
  await expect(page.locator('#client-once-key').textContent()).resolves.toBe('');
  return key;
}

async function editClient(page: Page, id: number, change: (page: Page) => Promise<void>) {
  await row(page, id).locator('[data-action=edit]').click();
  await change(page);
  await page.click('#client-save');
  await expect.poll(() => page.locator('#clients-result').textContent(), POLL).toMatch(/^已保存/);
}

const lastCost = () => {
  t.ctx.flush();
  return (t.ctx.db.prepare('SELECT cost_nano AS cost FROM request_logs ORDER BY id DESC LIMIT 1').get() as { cost: number }).cost;
};

describe('client keys in a real browser', () => {
  it('create from a preset, use it with the OpenAI SDK, watch its spend; edit the budget, rotate, disable, delete; the lookup', async () => {
    const base = await start();
    const { page, problems } = await openPage(browser.current);
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await reloadList(page);
    await expect.poll(() => page.locator('#clients-body tr').count(), POLL).toBe(1);
    // The admin's own key is listed first, as "default", with nothing to change.
    await expect(row(page, 0).textContent()).resolves.toContain('默认');
    await expect(row(page, 0).locator('button').count()).resolves.toBe(0);

    // From the preset "free models, ¥1/day, 30 days"; a budget the server cannot read is named first.
    await page.click('#client-new');
    await page.click('[data-preset=free-daily]');
    await expect(page.locator('#client-free-models').textContent()).resolves.toBe(`现在的免费模型（1 个）：${FREE}`);
    await page.fill('#client-name', 'Alice');
    await page.fill('#client-note', 'my laptop');
    await screenshot(page, 'admin-clients-form');
    await page.fill('#client-budget-month', '1,5');
    await page.click('#client-save');
    await expect.poll(() => tabError(page).textContent(), POLL).toBe('budgets.month：取值无效。');
    await page.fill('#client-budget-month', '');
    await page.click('#client-save');
    const key = await keyFromOnceBox(page);
    await expect.poll(() => tabError(page).isHidden(), POLL).toBe(true);
    const made = await (await page.request.get(`${base}/admin/api/clients/1`)).json();
    expect(made).toMatchObject({
      name: 'Alice',
      note: 'my laptop',
      freeOnly: true,
      models: [],
      budgets: { day: '1', month: null, total: null },
    });
    expect(Math.abs(Date.parse(made.expiresAt) - Date.now() - 30 * 86_400_000)).toBeLessThan(2 * 60_000);
    await expect(row(page, 1).locator('.status').textContent()).resolves.toBe('正常');
    await expect(row(page, 1).locator('.client-limits').textContent()).resolves.toContain('只用免费模型');

    // The free model is served; a paid one is refused with 403 naming it.
    const served = await ask(base, key, FREE);
    expect(served.choices[0]?.message.content).toBeTruthy();
    const notFree = await refusedWith(ask(base, key, PAID));
    expect(notFree).toMatchObject({ status: 403, code: 40302 });
    expect(notFree.message).toContain(PAID);

    // Every model now: the paid request's cost shows in today's spend and comes off the daily budget.
    await editClient(page, 1, (p) => p.locator('#client-free-only').uncheck());
    await ask(base, key, PAID);
    const cost = lastCost();
    expect(cost).toBeGreaterThan(0);
    await reloadList(page);
    await expect.poll(() => row(page, 1).locator('.client-today').textContent(), POLL).toMatch(/^2 次请求 · [\d,]+ tokens · /);
    await expect(row(page, 1).locator('.client-today').textContent()).resolves.toContain(`≈${yuanText(exactYuan(cost))}`);
    await expect(row(page, 1).locator('.client-month').textContent()).resolves.toContain(`≈${yuanText(exactYuan(cost))}`);
    await expect(row(page, 1).locator('[data-period=day]').textContent()).resolves.toBe(
      `今天剩 ≈${yuanText(exactYuan(NANO - cost))} / ¥1.00`,
    );

    // The budget cut below what was spent: the next request is refused with 429.
    await editClient(page, 1, (p) => p.fill('#client-budget-day', '0.000000001'));
    const overBudget = await refusedWith(ask(base, key, PAID));
    expect(overBudget).toMatchObject({ status: 429, code: 42901 });
    await expect.poll(() => row(page, 1).locator('[data-period=day]').textContent(), POLL).toBe('今天剩 ≈¥0.00 / ¥0.000000001');
    await editClient(page, 1, (p) => p.fill('#client-budget-day', '5'));

    // Rotate: the old key is refused at once, the new one works.
    await row(page, 1).locator('[data-action=rotate]').click();
    const rotated = await keyFromOnceBox(page);
    expect(rotated).not.toBe(key);
    expect(await refusedWith(ask(base, key, PAID))).toMatchObject({ status: 401, code: 40100 });
    await ask(base, rotated, PAID);
    await screenshot(page, 'admin-clients');
    expect(await fitsWidth(page)).toBe(true);

    // The holder's lookup on the user page: their usage, budget, models and expiry; the field is emptied.
    await page.goto(`${base}/`);
    await page.fill('#lookup-key', rotated);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#lookup-result:not([hidden])');
    await expect(page.locator('#lookup-key').inputValue()).resolves.toBe('');
    await expect(page.locator('#lookup-name').textContent()).resolves.toMatch(/^Alice \(sfm-/);
    await expect(page.locator('#lookup-status').textContent()).resolves.toBe('正常');
    await expect(page.locator('#lookup-models').textContent()).resolves.toBe('所有模型');
    await expect(page.locator('#lookup-expires').textContent()).resolves.not.toBe('永不过期');
    await expect(page.locator('#lookup-today').textContent()).resolves.toMatch(/^3 次请求 · [\d,]+ tokens · ≈¥/);
    const { remaining } = await (await page.request.get(`${base}/admin/api/clients/1`)).json();
    const left = `今天剩 ≈${yuanText(remaining.day.yuan)} / ¥5.00（`;
    await expect(page.locator('#lookup-remaining [data-period=day]').textContent()).resolves.toMatch(new RegExp(`^${left}.+ 重置）$`));
    await expect(page.content()).resolves.not.toContain(rotated);
    await screenshot(page, 'user-page-lookup');
    // A wrong key: the clear refusal, in the page's language.
    await page.fill('#lookup-key', `sfm-${'x'.repeat(40)}`);
    await page.click('#lookup-form button[type=submit]');
    await expect.poll(() => page.locator('#lookup-error').textContent(), POLL).toBe(errorTextsOf('zh')['error.unknown-client-key']);
    await expect(page.locator('#lookup-result').isHidden()).resolves.toBe(true);
    await expect(page.evaluate('localStorage.length + sessionStorage.length')).resolves.toBe(0);

    // Disable, then delete: each acts on /v1 at once; the deleted key stays in the list, labelled.
    await page.goto(`${base}/admin`);
    await page.waitForSelector('#view-main:not([hidden])');
    await reloadList(page);
    await row(page, 1).locator('[data-action=toggle]').click();
    await expect.poll(() => row(page, 1).locator('.status').textContent(), POLL).toBe('已停用');
    expect(await refusedWith(ask(base, rotated, PAID))).toMatchObject({ status: 401, code: 40101 });
    await row(page, 1).locator('[data-action=delete]').click();
    await expect.poll(() => row(page, 1).getAttribute('data-status'), POLL).toBe('deleted');
    await expect(row(page, 1).locator('.status').textContent()).resolves.toBe('已删除');
    await expect(row(page, 1).locator('button').count()).resolves.toBe(0);
    await expect(row(page, 1).locator('.client-today').textContent()).resolves.toMatch(/^3 次请求/);
    expect(await refusedWith(ask(base, rotated, PAID))).toMatchObject({ status: 401, code: 40100 });

    // No key is left anywhere in the page once its box was closed.
    const html = await page.content();
    expect(html).not.toContain(key);
    expect(html).not.toContain(rotated);
    expect(unexpected(problems)).toEqual([]);
  });

  it('the lookup in English: too many lookups from one address is said so, and a key is never kept', async () => {
    const base = await start();
    const { key } = t.ctx.clients.create({
      name: 'Bob',
      note: '',
      enabled: true,
      expiresAt: null,
      models: ['Qwen/*'],
      freeOnly: false,
      budgets: { day: null, month: 10 * NANO, total: null },
      rpm: 60,
      maxConcurrent: null,
      allowedIps: [],
    });
    // A phone's width: the lookup fits without scrolling sideways.
    const { page, problems } = await openPage(browser.current, { width: 360 });
    await page.goto(`${base}/`);
    await page.click('text=English');
    await page.fill('#lookup-key', key);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForSelector('#lookup-result:not([hidden])');
    await expect(page.locator('#lookup-models').textContent()).resolves.toBe('Qwen/*');
    await expect(page.locator('#lookup-expires').textContent()).resolves.toBe('Never');
    await expect(page.locator('#lookup-limits').textContent()).resolves.toBe('60 requests per minute');
    await expect(page.locator('#lookup-today').textContent()).resolves.toBe('0 requests · 0 tokens · ¥0.00');
    await expect(page.locator('#lookup-remaining').textContent()).resolves.toMatch(/^This month ¥10\.00 left of ¥10\.00 \(resets .+\)$/);
    // The limit counts every lookup from the address (30 in 10 minutes): one made, 29 more, then the page's.
    for (let i = 0; i < 29; i++) await page.request.post(`${base}/api/client-key/lookup`, { data: { key: 'sfm-nope' } });
    await page.fill('#lookup-key', key);
    await page.click('#lookup-form button[type=submit]');
    await expect.poll(() => page.locator('#lookup-error').textContent(), POLL).toBe(errorTextsOf('en')['error.too-many-lookups']);
    await expect(page.locator('#lookup-key').inputValue()).resolves.toBe('');
    await expect(page.evaluate('localStorage.length + sessionStorage.length')).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(key);
    expect(await fitsWidth(page)).toBe(true);
    expect(unexpected(problems)).toEqual([]);
  });
});
