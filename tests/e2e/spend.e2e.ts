import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { yuanText } from '../../public/js/exact-yuan.js';
import { formatRunway } from '../../public/js/format.js';
import { maskKey } from '../../src/crypto/key-cipher.js';
import { exactYuan } from '../../src/ledger/money.js';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, signInAsAdmin, useBrowser } from './browser.js';

/**
 * The spend ledger as the admin sees it (issue 11): real /v1 requests through the app against the
 * fake SiliconFlow — priced, Pro/, free and unpriced models, on keys whose balances the admin set
 * and one whose money is unknown — then the overview's figures and the spend tab's table and CSV,
 * checked against the database and the API in a real Chromium.
 */
const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

const PASSWORD = 'not-the-default';
const V3 = 'deepseek-ai/DeepSeek-V3';
/** Not in the shipped price table: its usage is unpriced, never ¥0. */
const UNPRICED = 'Qwen/Qwen2.5-72B-Instruct';
const FREE = 'Qwen/Qwen2.5-7B-Instruct';
const KEYS = [0, 1, 2].map(fakeKey);

async function start() {
  t = await startTestApp({
    // Round-robin: every key serves, the one whose money is unknown too.
    env: { ADMIN_PASSWORD: PASSWORD, KEY_STRATEGY: 'round-robin' },
    keys: {
      [KEYS[0]!]: { balance: '5.00', chargeBalance: '0.00' },
      [KEYS[1]!]: { balance: '0.00', chargeBalance: '20.00' },
      [KEYS[2]!]: {},
    },
  });
  const ids = t.ctx.keys.import(KEYS.join('\n')).addedIds;
  return { base: await t.listen(), ids, admin: await signIn(t.app, 'admin', PASSWORD) };
}

async function v1(base: string, model: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: `hello ${i}` }] }),
    });
    expect(res.status, model).toBe(200);
    await res.text();
  }
}

const text = (page: Page, selector: string) => page.locator(selector).first().textContent();
const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
/** Reloads the admin page and waits for the overview's money. */
async function reloadOverview(page: Page) {
  await page.reload();
  await page.waitForSelector('#view-main:not([hidden])');
  await expect.poll(() => text(page, '#runway-sentence'), { timeout: 10_000 }).not.toBe('');
}
const runway = (hours: number) => formatRunway(hours, { hours: '{n} 小时', days: '{n} 天', overAYear: '一年以上', unknown: '未知' });

async function summaryOf(admin: Admin, offset: number) {
  const res = await admin.agent.get(`/admin/api/spend/summary?tzOffsetMinutes=${offset}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('the spend ledger in a real browser', () => {
  it('the overview: unknown money in honest words, then spend, ≈ balances, the runway, the chart and the keys that run out', async () => {
    const { base, ids, admin } = await start();
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, PASSWORD);
    await expect
      .poll(() => text(page, '#runway-sentence'), { timeout: 10_000 })
      .toBe('还不知道任何密钥的余额：设置余额或检测密钥后，才能估算还能用多久。');
    await expect(texts(page, '[data-credit] strong')).resolves.toEqual(['未知', '未知', '未知']);
    await expect(text(page, '#pool-keys')).resolves.toBe('3 个密钥合计 · 3 个密钥余额未知');
    // Nothing spent is exactly ¥0.00.
    await expect(text(page, '[data-period=today] strong')).resolves.toBe('¥0.00');

    // The admin anchors two keys (the fake's truth); the third stays unknown. Nothing is spent yet.
    for (const [id, balance] of [
      [ids[0], { gift: '5', paid: '0' }],
      [ids[1], { gift: '0', paid: '20' }],
    ] as const) {
      const res = await admin.agent.put(`/admin/api/keys/${id}/balance`).set('x-csrf-token', admin.csrf).send(balance);
      expect(res.status).toBe(200);
    }
    await reloadOverview(page);
    await expect(text(page, '#runway-sentence')).resolves.toBe('按当前速度，赠送余额目前没有在消耗，充值余额目前没有在消耗。');
    await expect(texts(page, '[data-credit] strong')).resolves.toEqual(['≈¥5.00', '≈¥20.00', '≈¥25.00']);
    await expect(texts(page, '[data-credit] .kind')).resolves.toEqual(['估算', '估算', '估算']);
    await expect(text(page, '#pool-keys')).resolves.toBe('3 个密钥合计 · 1 个密钥余额未知');

    await v1(base, V3, 6);
    await v1(base, `Pro/${V3}`, 2);
    await v1(base, UNPRICED, 2);
    await v1(base, FREE, 1);
    t.ctx.flush();
    await reloadOverview(page);

    const offset = await page.evaluate<number>('-new Date().getTimezoneOffset()');
    const summary = await summaryOf(admin, offset);
    // The API's figures are the log's, to the nano-yuan; the page shows them rounded, with ≈.
    const spent = t.ctx.db.prepare('SELECT SUM(cost_nano) FROM request_logs').pluck().get() as number;
    expect(summary.spend.today.cost).toBe(exactYuan(spent));
    await expect(text(page, '[data-period=today] strong')).resolves.toBe(`≈${yuanText(exactYuan(spent))}`);
    await expect(text(page, '[data-period=last30Days] strong')).resolves.toBe(`≈${yuanText(exactYuan(spent))}`);
    const split = await text(page, '[data-period=today] .split');
    expect(split).toContain(`赠送 ≈${yuanText(summary.spend.today.gift)} · 充值 ≈${yuanText(summary.spend.today.paid)}`);
    // The unknown key's share: charged while its gift credit was unknown.
    expect(summary.spend.today.unknownCredit).not.toBe('0');
    expect(split).toContain(`余额种类不明 ≈${yuanText(summary.spend.today.unknownCredit)}`);
    const { inputTokens, outputTokens } = summary.spend.today.unpriced;
    await expect(text(page, '[data-period=today] .unpriced')).resolves.toBe(
      `另有未计价用量：2 次请求，${(inputTokens + outputTokens).toLocaleString('en')} tokens`,
    );
    await expect(text(page, '#burn strong')).resolves.toBe(`≈${yuanText(summary.burn.perHour.cost)}/小时`);
    await expect(text(page, '#burn .unpriced')).resolves.toBe('另有 2 次未计价请求');

    // Both credits are being spent: the runway sentence, at the API's rates.
    const { gift, paid } = summary.runway;
    expect([gift.kind, paid.kind]).toEqual(['estimated', 'estimated']);
    await expect(text(page, '#runway-sentence')).resolves.toBe(
      `按当前速度，赠送余额约可用 ${runway(gift.hours)}，充值余额约 ${runway(paid.hours)}。`,
    );
    await expect(text(page, '[data-credit=gift] strong')).resolves.toBe(`≈${yuanText(summary.balance.gift.yuan)}`);

    // The daily chart: stacked bars of the priced models, the unpriced requests on their own axis.
    const datasets = await page.evaluate<{ label: string; stack?: string; sum: number }[]>(
      "window.Chart.getChart(document.querySelector('#chart-spend')).data.datasets.map((d) => ({ label: d.label, stack: d.stack, sum: d.data.reduce((a, b) => a + b, 0) }))",
    );
    expect(datasets.map((d) => d.label).sort()).toEqual([V3, `Pro/${V3}`, '未计价请求'].sort());
    expect(datasets.find((d) => d.label === '未计价请求')?.sum).toBe(2);
    expect(datasets.find((d) => d.label === V3)?.stack).toBe('spend');
    expect(await page.evaluate<number>("document.querySelector('#chart-spend').width")).toBeGreaterThan(0);

    // Top models by spend (the unpriced one last: no cost), top keys masked.
    const models = await texts(page, '#top-models li');
    expect(models[0]).toMatch(new RegExp(`^(Pro/)?${V3} · ≈¥`));
    expect(models.find((m) => m.startsWith(UNPRICED))).toBe(
      `${UNPRICED} · 未知 · 2 次请求 · ${await text(page, '[data-period=today] .unpriced')}`,
    );
    expect(models.find((m) => m.startsWith(FREE))).toBe(`${FREE} · ¥0.00 · 1 次请求`);
    const topKeys = await texts(page, '#top-keys li');
    expect(topKeys.some((k) => k.startsWith(`#${ids[2]} ${maskKey(KEYS[2]!)} · ≈¥`))).toBe(true);

    // The keys that run out first: the anchored ones, each with its estimate, its source and its day.
    const runningOut = await texts(page, '#running-out li');
    expect(runningOut).toHaveLength(summary.runningOut.length);
    expect(runningOut.length).toBeGreaterThan(0);
    const first = summary.runningOut[0];
    expect(runningOut[0]).toBe(
      `#${first.keyId} ${first.maskedKey} · ≈${yuanText(first.balance.yuan)}（管理员设置，刚刚） · ` +
        (first.hours >= 365 * 24 ? '一年内不会用完' : `约 ${first.date} 用完（${runway(first.hours)}后）`),
    );

    const html = await page.content();
    for (const key of KEYS) expect(html).not.toContain(key.slice(3, 20));
    // Chromium reports the 401 of GET /session before signing in; nothing else.
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });

  it("SiliconFlow's exact figures show without ≈ until the ledger spends from them; a key's anchor shows its source and age", async () => {
    const { base, ids } = await start();
    await t.ctx.checks.checkOne(ids[0]!);
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, PASSWORD);
    await expect.poll(() => texts(page, '[data-credit] strong'), { timeout: 10_000 }).toEqual(['¥5.00', '¥0.00', '¥5.00']);
    await expect(texts(page, '[data-credit] .kind')).resolves.toEqual(['精确', '精确', '精确']);
    await expect(text(page, '#pool-keys')).resolves.toBe('3 个密钥合计 · 2 个密钥余额未知');

    // Only the checked key is used: its spend comes out of SiliconFlow's figure, which becomes an estimate.
    const admin = await signIn(t.app, 'admin', PASSWORD);
    const off = await admin.agent
      .post('/admin/api/keys/bulk')
      .set('x-csrf-token', admin.csrf)
      .send({ action: 'disable', ids: ids.slice(1) });
    expect(off.status).toBe(200);
    await v1(base, V3, 2);
    t.ctx.flush();
    await reloadOverview(page);
    const { runway: lasts, runningOut, balance } = await summaryOf(admin, await page.evaluate<number>('-new Date().getTimezoneOffset()'));
    await expect(text(page, '#runway-sentence')).resolves.toBe(
      `按当前速度，赠送余额约可用 ${runway(lasts.gift.hours)}，充值余额目前没有在消耗。`,
    );
    // A key's figures are exact only while nothing was spent since SiliconFlow gave them (docs/ledger.md).
    await expect(texts(page, '[data-credit] .kind')).resolves.toEqual(['估算', '估算', '估算']);
    await expect(text(page, '#pool-keys')).resolves.toBe('1 个密钥');
    // ¥5 less a fraction of a fen: the API's exact figure, rounded to the fen on the page.
    expect(balance.gift.yuan).toMatch(/^4\.9999\d+$/);
    await expect(text(page, '[data-credit=gift] strong')).resolves.toBe('≈¥5.00');
    await expect(text(page, '#running-out li')).resolves.toBe(
      `#${ids[0]} ${maskKey(KEYS[0]!)} · ≈${yuanText(runningOut[0].balance.yuan)}（SiliconFlow 查询，刚刚） · ` +
        (runningOut[0].hours >= 365 * 24 ? '一年内不会用完' : `约 ${runningOut[0].date} 用完（${runway(runningOut[0].hours)}后）`),
    );
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]);
  });

  it('the spend tab: grouped by day, model and key, filtered, exported as CSV with the same filters; a bad range shows the server’s message', async () => {
    const { base, ids, admin } = await start();
    const res = await admin.agent.put(`/admin/api/keys/${ids[0]}/balance`).set('x-csrf-token', admin.csrf).send({ gift: '5', paid: '0' });
    expect(res.status).toBe(200);
    await v1(base, V3, 4);
    await v1(base, UNPRICED, 1);
    await v1(base, FREE, 1);
    t.ctx.flush();
    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, PASSWORD);
    await page.click('[data-tab=spend]');

    // By day over the last 30 local days (today included), every day a row, and the totals.
    const today = await page.evaluate<string>("new Date().toLocaleDateString('sv')");
    await expect(page.locator('#spend-to').inputValue()).resolves.toBe(today);
    await expect.poll(() => page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(30);
    const spent = exactYuan(t.ctx.db.prepare('SELECT SUM(cost_nano) FROM request_logs').pluck().get() as number);
    const totals = await texts(page, '#spend-totals td');
    expect(totals[0]).toBe('合计');
    expect(totals[1]).toBe('6');
    expect(totals[3]).toBe(`≈${yuanText(spent)}`);
    expect(totals[8]).toBe('估算');
    const lastDay = await texts(page, '#spend-body tr:last-child td');
    expect(lastDay[0]).toBe(today);
    expect(lastDay[3]).toBe(`≈${yuanText(spent)}`);
    expect(lastDay[7]).toMatch(/^1 \/ \d+$/);

    // By model: the unpriced model's cost is unknown, never ¥0; the free one's is exactly ¥0.00.
    await page.selectOption('#spend-group', 'model');
    await expect.poll(() => text(page, '#spend-group-head'), { timeout: 10_000 }).toBe('模型');
    await expect.poll(() => page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(3);
    const byModel = Object.fromEntries(
      await Promise.all(
        (await page.locator('#spend-body tr').all()).map(async (row) => {
          const cells = await row.locator('td').allTextContents();
          return [cells[0], cells] as const;
        }),
      ),
    );
    expect(byModel[V3]!.slice(1, 2)).toEqual(['4']);
    expect(byModel[V3]![3]).toBe(`≈${yuanText(spent)}`);
    expect([byModel[UNPRICED]![3], byModel[UNPRICED]![8]]).toEqual(['未知', '未知']);
    expect([byModel[FREE]![3], byModel[FREE]![8]]).toEqual(['¥0.00', '精确']);
    // The model list to pick from is the models of the range.
    expect((await page.locator('#spend-models option').evaluateAll((o) => o.map((x) => (x as { value: string }).value))).sort()).toEqual(
      [FREE, UNPRICED, V3].sort(),
    );

    // A model filter narrows the table and the CSV link alike; the CSV is the same report.
    await page.fill('#spend-model', V3);
    await expect.poll(() => page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(1);
    const href = await page.locator('#spend-csv').getAttribute('href');
    const csvUrl = new URL(href!, base);
    const offset = await page.evaluate<number>('-new Date().getTimezoneOffset()');
    expect(Object.fromEntries(csvUrl.searchParams)).toMatchObject({
      groupBy: 'model',
      model: V3,
      format: 'csv',
      to: today,
      tzOffsetMinutes: String(offset),
    });
    const csv = await page.request.get(csvUrl.href);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'model,requests,input_tokens,output_tokens,cost_yuan,gift_yuan,paid_yuan,unknown_credit_yuan,unpriced_requests,unpriced_input_tokens,unpriced_output_tokens,kind',
    );
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(new RegExp(`^${V3},4,\\d+,\\d+,${spent.replace('.', '\\.')},`));
    // The link itself downloads it, under the server's file name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#spend-csv')]);
    expect(download.suggestedFilename()).toMatch(/^siliconflow-spend-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-by-model\.csv$/);

    // By key, for one key: its masked form, never the key.
    await page.fill('#spend-model', '');
    await page.selectOption('#spend-group', 'key');
    await page.fill('#spend-key', String(ids[0]));
    await page.locator('#spend-key').blur();
    await expect.poll(() => texts(page, '#spend-body tr td:first-child'), { timeout: 10_000 }).toEqual([`#${ids[0]} ${maskKey(KEYS[0]!)}`]);
    const keyCsv = await (await page.request.get(new URL((await page.locator('#spend-csv').getAttribute('href'))!, base).href)).text();
    expect(keyCsv.split(/\r?\n/)[1]).toMatch(new RegExp(`^${ids[0]},${maskKey(KEYS[0]!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`));
    expect(keyCsv).not.toContain(KEYS[0]!.slice(3, 20));

    // By client key: the requests here came with the admin's own key, the "default" client (#0).
    await page.fill('#spend-key', '');
    await page.locator('#spend-key').blur();
    await page.selectOption('#spend-group', 'client');
    await expect.poll(() => texts(page, '#spend-body tr td:first-child'), { timeout: 10_000 }).toEqual(['#0 default']);
    await page.fill('#spend-client', '1');
    await page.locator('#spend-client').blur();
    await expect.poll(() => page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(0);
    await page.fill('#spend-client', '');
    await page.locator('#spend-client').blur();

    // A range that ends before it starts: the server's 400, in this tab's error box (in English, its own message).
    await page.click('text=English');
    await page.waitForSelector('#view-main:not([hidden])');
    await page.click('[data-tab=spend]');
    await expect.poll(() => page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(30);
    await page.fill('#spend-from', today);
    await page.fill('#spend-to', '2020-01-01');
    await page.locator('#spend-to').dispatchEvent('change');
    await expect.poll(() => text(page, '#tab-spend .error'), { timeout: 10_000 }).toBe('to: must be after from');
    await page.fill('#spend-to', today);
    await page.locator('#spend-to').dispatchEvent('change');
    await expect.poll(() => page.locator('#tab-spend .error').isHidden(), { timeout: 10_000 }).toBe(true);
    await expect(text(page, '#spend-totals td')).resolves.toBe('Total');

    // On a 360 px phone the tab scrolls inside its table, not sideways.
    const phone = await openPage(browser.current, { width: 360 });
    await phone.page.context().addCookies(await page.context().cookies());
    await phone.page.goto(`${base}/admin`);
    await phone.page.waitForSelector('#view-main:not([hidden])');
    await phone.page.click('[data-tab=spend]');
    await expect.poll(() => phone.page.locator('#spend-body tr').count(), { timeout: 10_000 }).toBe(30);
    expect(await fitsWidth(phone.page)).toBe(true);

    // Chromium reports the 401 before signing in and the 400 for the bad range; nothing else.
    expect([...problems, ...phone.problems].filter((p) => !/status of 40[01]/.test(p))).toEqual([]);
  });
});
