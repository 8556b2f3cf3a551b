import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { fitsWidth, openPage, screenshot, signInAsAdmin, useBrowser } from './browser.js';

/**
 * The Alerts tab in a real browser (issue 14): the admin adds a webhook channel through the form,
 * pointed at a local receiver, presses "send a test" and sees it sent; edits a rule (and is told in
 * place what is wrong with a bad value); sees the incident a one-key pool raises and its delivery in
 * the log; edits and deletes the channel. After saving, the URL's token and the signing secret are
 * nowhere in the page.
 */
const browser = useBrowser();
let t: TestApp;
let receiver: WebhookReceiver;
afterEach(async () => {
  await t?.close();
  await receiver?.close();
});

const POLL = { timeout: 10_000 };
const TOKEN = 'tok-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c';
const SECRET = 'whsec-0123456789abcdef-signing';
/** Chromium logs each 4xx the page asked for as a console error: the sign-in page's session check (401) and the bad rule (400). */
const unexpected = (problems: string[]) => problems.filter((p) => !/status of (400|401)/.test(p));

const channelRow = (page: Page, id: number) => page.locator(`#alert-channels-body tr[data-id="${id}"]`);
const ruleRow = (page: Page, event: string) => page.locator(`#alert-rules-body tr[data-event="${event}"]`);
/** The session's CSRF token, for a change the test makes through the API beside the page. */
async function csrfOf(page: Page, base: string): Promise<string> {
  return ((await (await page.request.get(`${base}/admin/api/session`)).json()) as { csrfToken: string }).csrfToken;
}
const deliveries = () => t.ctx.db.prepare('SELECT state, status, event FROM alert_deliveries ORDER BY id').all();

async function start(): Promise<string> {
  // One key: fewer usable keys than keys-low's default minimum of 3, so that rule fires at the first tick.
  t = await startTestApp({ keys: { [fakeKey(1)]: {} }, alertDelivery: { retryDelaysMs: [50, 50], timeoutMs: 2_000 } });
  t.ctx.keys.import(fakeKey(1));
  receiver = await startWebhookReceiver();
  return t.listen();
}

describe('the alerts tab in a real browser', () => {
  it('adds a webhook channel, sends a test, edits a rule, shows the incident and its delivery; no token or secret stays in the page', async () => {
    const base = await start();
    const { page, problems } = await openPage(browser.current);
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await page.click('[data-tab=alerts]');
    await expect.poll(() => page.locator('#alert-rules-body tr').count(), POLL).toBe(10);
    await expect.poll(() => page.locator('#alert-channels-none').isVisible(), POLL).toBe(true);

    // Add: the type's hint says what to paste; the events are the rules' own, every one by default.
    await page.click('#alert-channel-new');
    await page.selectOption('#alert-channel-type', 'wecom');
    await expect(page.locator('[data-type-hint=wecom]').textContent()).resolves.toContain('qyapi.weixin.qq.com');
    await expect(page.locator('#alert-channel-secret-box').isHidden()).resolves.toBe(true);
    await page.selectOption('#alert-channel-type', 'webhook');
    await expect(page.locator('#alert-channel-secret-box').isVisible()).resolves.toBe(true);
    await expect(page.locator('#alert-channel-events input').count()).resolves.toBe(10);
    await page.fill('#alert-channel-name', 'ops hook');
    await page.fill('#alert-channel-url', `${receiver.url}/hooks/${TOKEN}`);
    await page.fill('#alert-channel-secret', SECRET);
    await page.selectOption('#alert-channel-min-severity', 'info');
    await page.click('#alert-channel-save');
    await expect.poll(() => page.locator('#alert-channels-result').textContent(), POLL).toBe('渠道“ops hook”已添加。');
    await expect(page.locator('#alert-channel-form').isHidden()).resolves.toBe(true);
    const row = channelRow(page, 1);
    await expect(row.locator('.masked-url').textContent()).resolves.toMatch(new RegExp(`^${receiver.url}/`));
    await expect(row.textContent()).resolves.toContain('已设置');
    await expect(row.textContent()).resolves.toContain('全部事件');

    // Send a test: the receiver gets it, the row says so, the log gains the test's row.
    await row.locator('[data-action=test]').click();
    await expect.poll(() => row.locator('.test-outcome').textContent(), POLL).toBe('测试已送达（HTTP 200）');
    expect((await receiver.waitFor(1))[0]!.url).toBe(`/hooks/${TOKEN}`);
    await expect.poll(() => page.locator('#alert-deliveries-body tr').count(), POLL).toBe(1);
    await expect(page.locator('#alert-deliveries-body tr td').nth(3).textContent()).resolves.toBe('测试');
    await expect(page.locator('#alert-deliveries-body tr td').nth(4).textContent()).resolves.toBe('已送达');

    // A rule: a bad value is refused beside its button and nothing changes; a good one is saved.
    const keysLow = ruleRow(page, 'keys-low');
    await keysLow.locator('[data-field=clearAfterSeconds]').fill('90000');
    await keysLow.locator('[data-action=save]').click();
    await expect.poll(() => keysLow.locator('.rule-outcome').textContent(), POLL).toContain('clearAfterSeconds');
    await expect(keysLow.locator('.rule-outcome').getAttribute('class')).resolves.toContain('bad');
    await keysLow.locator('[data-field=clearAfterSeconds]').fill('5');
    await keysLow.locator('input[data-param=minCount]').fill('4');
    await keysLow.locator('[data-field=severity]').selectOption('warning');
    await keysLow.locator('[data-action=save]').click();
    await expect.poll(() => ruleRow(page, 'keys-low').locator('.rule-outcome').textContent(), POLL).toBe('已保存');
    const rules = (await (await page.request.get(`${base}/admin/api/alerts/rules`)).json()) as { rules: any[] };
    expect(rules.rules.find((r) => r.event === 'keys-low')).toMatchObject({
      clearAfterSeconds: 5,
      severity: 'warning',
      params: { minCount: 4, minShare: 0.2 },
    });

    // The one-key pool: keys-low fires at the next tick; the tab shows it and the log its delivery.
    t.ctx.alerts.tick();
    await receiver.waitFor(2);
    await page.click('#alerts-refresh');
    const incident = page.locator('#alert-incidents-open li[data-event=keys-low]');
    await expect.poll(() => incident.count(), POLL).toBe(1);
    await expect(incident.getAttribute('data-state')).resolves.toBe('firing');
    await expect(incident.locator('.severity').textContent()).resolves.toBe('警告');
    await expect(incident.locator('.incident-title').textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await expect.poll(() => page.locator('#alert-deliveries-body tr[data-status=sent]').count(), POLL).toBe(2);
    await expect(page.locator('#alerts-badge').textContent()).resolves.toBe('1 个告警中');
    await screenshot(page, 'admin-alerts');
    expect(await fitsWidth(page)).toBe(true);
    // The same tab on a 360 px phone, the form open: no sideways scrolling (the tables scroll in their box).
    const phone = await openPage(browser.current, { width: 360 });
    await phone.page.context().addCookies(await page.context().cookies());
    await phone.page.goto(`${base}/admin#alerts`);
    await phone.page.waitForSelector('#alert-channels-body tr');
    await phone.page.click('#alert-channel-new');
    expect(await fitsWidth(phone.page)).toBe(true);
    expect(unexpected(phone.problems)).toEqual([]);

    // Edit: the URL left empty keeps it, the secret is cleared; then delete — its deliveries stay.
    await row.locator('[data-action=edit]').click();
    await expect(page.locator('#alert-channel-url').inputValue()).resolves.toBe('');
    await expect(page.locator('#alert-channel-type').isDisabled()).resolves.toBe(true);
    await page.fill('#alert-channel-name', 'ops');
    await page.check('#alert-channel-secret-clear');
    await page.click('#alert-channel-save');
    await expect.poll(() => page.locator('#alert-channels-result').textContent(), POLL).toBe('渠道“ops”已保存。');
    await expect.poll(() => channelRow(page, 1).locator('td').nth(2).textContent(), POLL).toBe('无');
    await expect(channelRow(page, 1).locator('.client-name').textContent()).resolves.toBe('ops');
    const stored = (await (await page.request.get(`${base}/admin/api/alerts/channels`)).json()) as { channels: any[] };
    expect(stored.channels[0]).toMatchObject({ name: 'ops', hasSecret: false });

    const html = await page.content();
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain(SECRET);

    await channelRow(page, 1).locator('[data-action=delete]').click();
    await expect.poll(() => channelRow(page, 1).count(), POLL).toBe(0);
    await expect(page.locator('#alert-deliveries-body tr').count()).resolves.toBe(2);
    expect(deliveries()).toHaveLength(2);
    expect(unexpected(problems)).toEqual([]);
  });

  it('in English: a refused test says why in its row (retrying after a 500, failed at once after a 404), and the rules name their events', async () => {
    const base = await start();
    const { page, problems } = await openPage(browser.current);
    await page.context().addCookies([{ name: 'lang', value: 'en', url: base }]);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    const made = await page.request.post(`${base}/admin/api/alerts/channels`, {
      headers: { 'x-csrf-token': await csrfOf(page, base) },
      data: { name: 'flaky', type: 'webhook', url: `${receiver.url}/hooks/${TOKEN}` },
    });
    expect(made.status()).toBe(201);
    await page.click('[data-tab=alerts]');
    const { rules } = (await (await page.request.get(`${base}/admin/api/alerts/rules`)).json()) as { rules: any[] };
    const runwayLabel = rules.find((r) => r.event === 'runway-low').label.en as string;
    await expect.poll(() => ruleRow(page, 'runway-low').locator('strong').textContent(), POLL).toBe(runwayLabel);
    const row = channelRow(page, 1);
    await expect(row.locator('.masked-url').textContent()).resolves.not.toContain(TOKEN);

    receiver.reply({ status: 500, body: 'upstream down' });
    await row.locator('[data-action=test]').click();
    await expect.poll(() => row.locator('.test-outcome').textContent(), POLL).toMatch(/^Test not delivered, will retry: .*500/);
    await expect(row.locator('.test-outcome').getAttribute('class')).resolves.toContain('bad');
    await receiver.waitFor(2); // the retry, answered 200
    receiver.reply({ status: 404, body: 'no such hook' });
    await row.locator('[data-action=test]').click();
    await expect.poll(() => row.locator('.test-outcome').textContent(), POLL).toMatch(/^Test failed: .*404/);
    await expect(page.locator('#alert-deliveries-body tr[data-status=failed] td').nth(4).textContent()).resolves.toBe('failed');
    expect(await page.content()).not.toContain(TOKEN);
    expect(unexpected(problems)).toEqual([]);
  });
});
