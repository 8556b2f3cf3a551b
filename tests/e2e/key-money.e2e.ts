import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { exactYuan } from '../../src/ledger/money.js';
import { SHIPPED_PRICES } from '../../src/ledger/shipped-prices.js';
import { yuanText } from '../../public/js/exact-yuan.js';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, screenshot, signInAsAdmin, useBrowser } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const NANO = 1_000_000_000;
const POLL = { timeout: 10_000 };
/** Chromium logs each 4xx the page asked for (the bad inputs these tests type) as a console error; nothing else may appear. */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of 40[01]/.test(p));

const anchorOf = (id: number) =>
  t.ctx.db.prepare('SELECT anchor_gift_nano AS gift, anchor_paid_nano AS paid, anchor_source AS source FROM keys WHERE id = ?').get(id);
const cell = (page: Page, id: number, column: number) => page.locator(`#keys-body tr[data-id="${id}"] td`).nth(column);
/** The key table's columns: select, key, status, gift, paid, total, spend, note, account, last checked, actions. */
const [GIFT, PAID, TOTAL, SPEND] = [3, 4, 5, 6];
const tabError = (page: Page, tab: string) => page.locator(`#tab-${tab} .error`);

async function startWithKeys(count: number): Promise<string> {
  const seeds = Array.from({ length: count }, (_, i) => i + 1);
  t = await startTestApp({ keys: Object.fromEntries(seeds.map((i) => [fakeKey(i), {}])) });
  t.ctx.keys.import(seeds.map(fakeKey).join('\n'));
  return t.listen();
}

describe('key money in a real browser', () => {
  it('sets one key’s balance and records a top-up on two: ≈ figures in the table, the anchors in the database and the API', async () => {
    const base = await startWithKeys(3);
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    t.ctx.flush();

    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(3);
    // Nothing is known yet: "unknown", never ¥0.00; the one request's cost is an estimate (the spend API, joined by key id).
    await expect(cell(page, 1, TOTAL).textContent()).resolves.toBe('未知');
    const { served, cost } = t.ctx.db.prepare('SELECT key_id AS served, cost_nano AS cost FROM request_logs').get() as {
      served: number;
      cost: number;
    };
    // A cost under a fen keeps its significant digits, as the overview shows it.
    await expect(cell(page, served, SPEND).textContent()).resolves.toBe(`≈${yuanText(exactYuan(cost))}`);
    await expect(cell(page, served, SPEND).getAttribute('title')).resolves.toBe('1 次请求');
    await expect(page.locator('#keys-body td.money', { hasText: /^—$/ }).count()).resolves.toBe(2);

    // One key, from its row: the console's figures, typed as the admin types them.
    await page.locator('#keys-body tr[data-id="1"] button.money-open').click();
    await expect(page.locator('#money-title').textContent()).resolves.toMatch(/^密钥 sk-/);
    // A credit left empty keeps what it is now: the placeholder says what that is.
    await expect(page.locator('#money-gift').getAttribute('placeholder')).resolves.toBe('未知');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => tabError(page, 'keys').textContent(), POLL).toBe('请填写赠送余额或充值余额（至少一项）。');
    await page.fill('#money-gift', '14,00');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => tabError(page, 'keys').textContent(), POLL).toBe('gift：取值无效。');
    await page.fill('#money-gift', '14.00');
    await page.fill('#money-paid', '0');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => page.locator('#money-result').textContent(), POLL).toBe('已为 1 个密钥设置余额。');
    // The error box clears once the whole action (the list reloaded too) has succeeded.
    await expect.poll(() => tabError(page, 'keys').isHidden(), POLL).toBe(true);
    await expect(page.locator('#money-form').isHidden()).resolves.toBe(true);
    await expect.poll(() => cell(page, 1, TOTAL).locator('span').textContent(), POLL).toBe('≈¥14.00');
    await expect(cell(page, 1, TOTAL).locator('small').textContent()).resolves.toMatch(/^管理员设置 · /);
    await expect(cell(page, 1, GIFT).textContent()).resolves.toBe('≈¥14.00');
    expect(anchorOf(1)).toEqual({ gift: 14 * NANO, paid: 0, source: 'admin' });

    // Two keys, from the bulk bar: a ¥100 top-up on each.
    await page.locator('#keys-body tr[data-id="1"] input[type=checkbox]').check();
    await page.locator('#keys-body tr[data-id="2"] input[type=checkbox]').check();
    await page.click('[data-bulk=top-up]');
    await expect(page.locator('#money-title').textContent()).resolves.toBe('选中的 2 个密钥');
    await expect(page.locator('#money-amount').isVisible()).resolves.toBe(true);
    await page.fill('#money-amount', '-5');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => tabError(page, 'keys').textContent(), POLL).toBe('amount：取值无效。');
    await page.fill('#money-amount', '100');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => page.locator('#money-result').textContent(), POLL).toBe('已为 2 个密钥记录充值。');
    await expect.poll(() => cell(page, 1, TOTAL).locator('span').textContent(), POLL).toBe('≈¥114.00');
    await expect(cell(page, 1, PAID).textContent()).resolves.toBe('≈¥100.00');
    await expect(cell(page, 1, TOTAL).locator('small').textContent()).resolves.toMatch(/^充值记录 · /);
    // Key 2's gift credit is still unknown, so its total is too; its paid credit is the top-up.
    await expect(cell(page, 2, PAID).textContent()).resolves.toBe('≈¥100.00');
    await expect(cell(page, 2, GIFT).textContent()).resolves.toBe('未知');
    await expect(cell(page, 2, TOTAL).locator('span').textContent()).resolves.toBe('未知');
    expect(anchorOf(1)).toEqual({ gift: 14 * NANO, paid: 100 * NANO, source: 'top-up' });
    expect(anchorOf(2)).toEqual({ gift: null, paid: 100 * NANO, source: 'top-up' });
    expect(anchorOf(3)).toEqual({ gift: null, paid: null, source: null });
    const api = await page.request.get(`${base}/admin/api/keys/1`);
    expect(await api.json()).toMatchObject({
      giftBalance: 14,
      chargeBalance: 100,
      totalBalance: 114,
      balanceKind: 'estimated',
      balanceSource: 'top-up',
    });

    // And in bulk with both credits, in English this time.
    await page.click('text=English');
    await page.waitForSelector('#view-main:not([hidden])');
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(3);
    await page.locator('#select-all').check();
    await page.click('[data-bulk=set-balance]');
    await page.fill('#money-gift', '2.5');
    await page.fill('#money-paid', '0.88');
    await page.click('#money-form button[type=submit]');
    await expect.poll(() => page.locator('#money-result').textContent(), POLL).toBe('Balance set on 3 keys.');
    await expect.poll(() => cell(page, 3, TOTAL).locator('span').textContent(), POLL).toBe('≈¥3.38');
    await expect(cell(page, 3, TOTAL).getAttribute('title')).resolves.toMatch(/^Estimate: the balance from the admin \(/);
    expect(anchorOf(3)).toEqual({ gift: 2.5 * NANO, paid: 0.88 * NANO, source: 'admin' });

    // A check that reaches a user/info still answering 200 gives SiliconFlow's exact figures, with their age.
    await cell(page, 3, 10).locator('button', { hasText: 'Check' }).click();
    await expect.poll(() => cell(page, 3, TOTAL).locator('span').textContent(), POLL).toBe('¥14.00');
    await expect(cell(page, 3, TOTAL).locator('small').textContent()).resolves.toMatch(/^exact · (now|\d+ seconds? ago)$/);
    await expect(cell(page, 3, TOTAL).getAttribute('title')).resolves.toMatch(/^SiliconFlow's exact figure \(/);

    await screenshot(page, 'admin-key-money');
    const phone = await openPage(browser.current, { width: 360 });
    await phone.page.context().addCookies(await page.context().cookies());
    await phone.page.goto(`${base}/admin`);
    await phone.page.waitForSelector('#view-main:not([hidden])');
    expect(await fitsWidth(phone.page)).toBe(true);
    await phone.page.click('[data-tab=prices]');
    await phone.page.waitForSelector('#prices-body tr');
    expect(await fitsWidth(phone.page), 'prices').toBe(true);
    expect(await page.content()).not.toContain(fakeKey(1).slice(3, 20));
    expect(unexpected([...problems, ...phone.problems])).toEqual([]);
  });

  it('the import preview lists the balances beside the keys, and the import stores them', async () => {
    const base = await startWithKeys(1);
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await page.click('#open-import');
    await page.fill('#import-text', `${fakeKey(7)} 14.00\n${fakeKey(8)}----2.5\n${fakeKey(1)},3\n${fakeKey(9)}\nsk-short`);
    await page.click('#import-preview');
    await expect.poll(() => page.locator('#import-preview-body tr').count(), POLL).toBe(4);
    await expect(page.locator('#import-preview-counts').textContent()).resolves.toBe('将新增 3，重复 1，无效 1，格式少见 0，带余额 3');
    const previewRow = (i: number) => page.locator('#import-preview-body tr').nth(i).locator('td');
    await expect(previewRow(0).allTextContents()).resolves.toEqual([expect.stringMatching(/^sk-.+…/), '¥14.00', '¥0.00', '—', '新密钥']);
    await expect(previewRow(1).allTextContents()).resolves.toEqual([expect.any(String), '¥2.50', '¥0.00', '—', '新密钥']);
    await expect(previewRow(2).allTextContents()).resolves.toEqual([expect.any(String), '¥3.00', '¥0.00', '—', '已在池中']);
    await expect(previewRow(3).allTextContents()).resolves.toEqual([expect.any(String), '—', '—', '—', '新密钥']);
    await expect(page.locator('#import-preview-more').isHidden()).resolves.toBe(true);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(1);

    // Keys already in the pool keep their balance unless asked.
    await page.uncheck('#import-check');
    await page.click('#import-form button[type=submit]');
    await expect
      .poll(() => page.locator('#import-result').textContent(), POLL)
      .toBe('新增 3，重复 1，无效 1；余额：设置 2 个，跳过 1 个（已在池中）');
    await expect(page.locator('#import-preview-box').isHidden()).resolves.toBe(true);
    const stored = (key: string) =>
      t.ctx.db
        .prepare('SELECT anchor_gift_nano AS gift, anchor_paid_nano AS paid, anchor_source AS source FROM keys WHERE masked = ?')
        .get(`${key.slice(0, 7)}…${key.slice(-4)}`);
    expect(stored(fakeKey(7))).toEqual({ gift: 14 * NANO, paid: 0, source: 'import' });
    expect(stored(fakeKey(8))).toEqual({ gift: 2.5 * NANO, paid: 0, source: 'import' });
    expect(stored(fakeKey(1))).toEqual({ gift: null, paid: null, source: null });
    await expect.poll(() => page.locator('#keys-body tr').count(), POLL).toBe(4);
    await expect(page.locator('#keys-body td.money span', { hasText: '≈¥14.00' }).count()).resolves.toBe(1);

    await page.fill('#import-text', `${fakeKey(1)},3`);
    await page.check('#import-update-balances');
    await page.click('#import-form button[type=submit]');
    await expect
      .poll(() => page.locator('#import-result').textContent(), POLL)
      .toBe('新增 0，重复 1，无效 0；余额：设置 1 个，跳过 0 个（已在池中）');
    expect(stored(fakeKey(1))).toEqual({ gift: 3 * NANO, paid: 0, source: 'import' });

    // Beyond the 1,000 keys listed, the rest is counted.
    await page.fill('#import-text', Array.from({ length: 1002 }, (_, i) => `${fakeKey(100 + i)} 1`).join('\n'));
    await page.click('#import-preview');
    await expect.poll(() => page.locator('#import-preview-more').textContent(), POLL).toBe('……另有 2 个未列出');
    await expect(page.locator('#import-preview-body tr').count()).resolves.toBe(1000);
    expect(unexpected(problems)).toEqual([]);
  });

  it('the prices tab: the shipped date, edit and reset a price, add a model, export, and a bad import named', async () => {
    const base = await startWithKeys(0);
    const { page, problems } = await openPage(browser.current);
    const prices = async () =>
      ((await (await page.request.get(`${base}/admin/api/prices`)).json()) as { models: { model: string }[] }).models;
    const priceOf = async (model: string) => (await prices()).find((m) => m.model === model);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await page.click('[data-tab=prices]');
    await expect.poll(() => page.locator('#prices-date').textContent(), POLL).toBe(`自带价格表：${SHIPPED_PRICES.date}`);
    await expect(page.locator('#prices-date').isVisible()).resolves.toBe(true);
    await expect(page.locator('#prices-source').textContent()).resolves.toBe(SHIPPED_PRICES.source);
    const total = Object.keys(SHIPPED_PRICES.models).length;
    await expect(page.locator('#prices-body tr').count()).resolves.toBe(total);
    await expect(page.locator('#prices-body .uncertain').count()).resolves.toBeGreaterThan(0);

    await page.fill('#prices-filter', 'deepseek-v3');
    await expect.poll(() => page.locator('#prices-count').textContent(), POLL).toMatch(new RegExp(`^\\d / ${total} 个模型$`));
    const v3 = page.locator('#prices-body tr[data-model="deepseek-ai/DeepSeek-V3"]');
    await expect(v3.locator('td').nth(2).textContent()).resolves.toBe('输入 ¥2 · 输出 ¥8');

    // Edit: a bad figure is named by its field; a good one is in force at once, the shipped one beside it.
    await v3.locator('button', { hasText: '修改' }).click();
    await expect(page.locator('#price-model').inputValue()).resolves.toBe('deepseek-ai/DeepSeek-V3');
    await page.fill('#price-input', '2.5.1');
    await page.click('#price-form button[type=submit]');
    await expect.poll(() => tabError(page, 'prices').textContent(), POLL).toBe('input：取值无效。');
    await page.fill('#price-input', '2.5');
    await page.click('#price-form button[type=submit]');
    await expect.poll(() => page.locator('#prices-result').textContent(), POLL).toBe('已保存 deepseek-ai/DeepSeek-V3 的价格。');
    await expect(page.locator('#price-form').isHidden()).resolves.toBe(true);
    expect(await priceOf('deepseek-ai/DeepSeek-V3')).toMatchObject({
      input: '2.5',
      output: '8',
      source: 'admin',
      shipped: { input: '2', output: '8' },
    });
    await expect(v3.locator('td').nth(2).textContent()).resolves.toBe('输入 ¥2.5 · 输出 ¥8自带：输入 ¥2 · 输出 ¥8');
    await expect(v3.locator('td').nth(3).textContent()).resolves.toBe('管理员');

    // Reset to shipped.
    await v3.locator('button', { hasText: '恢复自带' }).click();
    await expect.poll(() => page.locator('#prices-result').textContent(), POLL).toBe('deepseek-ai/DeepSeek-V3 已恢复为自带价格。');
    expect(await priceOf('deepseek-ai/DeepSeek-V3')).toEqual({
      model: 'deepseek-ai/DeepSeek-V3',
      unit: 'million-tokens',
      input: '2',
      output: '8',
      uncertain: false,
      source: 'shipped',
    });
    await expect(v3.locator('td').nth(3).textContent()).resolves.toBe('自带');

    // A new model priced per image: only the unit's own field is shown and sent.
    await page.fill('#prices-filter', '');
    await page.click('#price-add');
    await page.fill('#price-model', 'acme/Image-Maker');
    await page.selectOption('#price-unit', 'image');
    await expect(page.locator('#price-input').isHidden()).resolves.toBe(true);
    await expect(page.locator('label[for=price-input]').isHidden()).resolves.toBe(true);
    await page.fill('#price-each', '0.25');
    await page.check('#price-uncertain');
    await page.click('#price-form button[type=submit]');
    await expect
      .poll(() => priceOf('acme/Image-Maker'), POLL)
      .toEqual(expect.objectContaining({ unit: 'image', price: '0.25', uncertain: true, source: 'admin' }));
    await expect.poll(() => page.locator('#prices-body tr[data-model="acme/Image-Maker"] td').nth(2).textContent(), POLL).toBe('¥0.25');

    // Export, then that same file imported back; a bad file is refused with the model and field named.
    const download = page.waitForEvent('download');
    await page.click('#prices-export');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^siliconflow-prices-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = readFileSync(await file.path(), 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ models: { 'acme/Image-Maker': { unit: 'image', price: '0.25' } } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.setInputFiles('#prices-import', { name: 'prices.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await expect
      .poll(() => page.locator('#prices-result').textContent(), POLL)
      .toBe(`已导入 ${total + 1} 个模型：1 个与自带价格不同，保存为管理员价格；${total} 个与自带相同；之前的 1 个管理员价格已被替换。`);

    const bad = { ...JSON.parse(exported), models: { 'acme/Chat': { unit: 'million-tokens', input: '-1' } } };
    await page.setInputFiles('#prices-import', {
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    await expect
      .poll(() => tabError(page, 'prices').textContent(), POLL)
      .toMatch(/^价格表有误，未导入任何内容：models\["acme\/Chat"\]\.input: /);
    await page.setInputFiles('#prices-import', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"models": ') });
    await expect.poll(() => tabError(page, 'prices').textContent(), POLL).toMatch(/^这个文件不是 JSON，未导入任何内容：/);
    expect(await priceOf('acme/Chat')).toBeUndefined();
    expect(await priceOf('acme/Image-Maker')).toMatchObject({ source: 'admin' });

    // A model only the admin priced is removed (after a confirmation) rather than reset.
    await page.locator('#prices-body tr[data-model="acme/Image-Maker"] button', { hasText: '删除价格' }).click();
    await expect.poll(() => priceOf('acme/Image-Maker'), POLL).toBeUndefined();
    await expect.poll(() => page.locator('#prices-body tr').count(), POLL).toBe(total);

    await screenshot(page, 'admin-prices');
    expect(unexpected(problems)).toEqual([]);
  });
});
