import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, type TestApp } from '../helpers/test-app.js';
import { fitsWidth, openPage, screenshot, useBrowser } from './browser.js';

/** Self-issue for guests (issue 12) in a real browser: the form, the key shown once with its snippets, a refusal in the page's language. */
const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

async function start(env: Record<string, string>) {
  t = await startTestApp({ env, keys: { [fakeKey(1)]: {} } });
  t.ctx.keys.import(fakeKey(1));
  return t.listen();
}

describe('self-issue on the user page', () => {
  it('a visitor gets a key once, copies it, sees it in both snippets; the second try is refused in Chinese', async () => {
    const base = await start({ GUEST_SELF_SERVICE: 'true', SELF_ISSUE_DAILY_BUDGET: '0.5' });
    const { page, problems } = await openPage(browser.current);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.goto(base + '/');
    await expect(page.locator('#self-issue h2').textContent()).resolves.toBe('领取我自己的客户端密钥');
    await expect(page.locator('#self-issue .self-issue-preset').textContent()).resolves.toContain('¥0.5');
    await page.fill('#self-issue-name', 'my laptop');
    await page.click('#self-issue-form button[type=submit]');
    await page.waitForSelector('#self-issue-result:not([hidden])');
    const key = (await page.locator('#self-issue-key').textContent())!;
    expect(key).toMatch(/^sfm-/);
    await expect(page.locator('#self-issue-curl').textContent()).resolves.toContain(`Bearer ${key}`);
    await expect(page.locator('#self-issue-python').textContent()).resolves.toContain(`api_key="${key}"`);
    await expect(page.locator('#self-issue-curl').textContent()).resolves.toContain(`${base}/v1/chat/completions`);
    await page.locator('#self-issue-result button.copy').first().click();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(key);
    expect(await page.locator('#self-issue-form').isHidden()).toBe(true);
    // The key works on /v1, and the admin's list has it as self-issued.
    const served = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(served.status).toBe(200);
    expect(t.ctx.clients.list().find((c) => c.name === 'my laptop')).toMatchObject({ selfIssued: true });
    await screenshot(page, 'self-issue');

    // A reload shows the form again; the same address is refused, in the page's language.
    await page.reload();
    await page.click('#self-issue-form button[type=submit]');
    await page.waitForSelector('#self-issue-error:not([hidden])');
    await expect(page.locator('#self-issue-error').textContent()).resolves.toBe('这个地址 24 小时内已经领取过一个密钥了。');
    expect(await page.locator('#self-issue-result').isHidden()).toBe(true);

    const narrow = await openPage(browser.current, { width: 360 });
    await narrow.page.goto(base + '/');
    expect(await fitsWidth(narrow.page)).toBe(true);
    // The refusal was answered 429, which Chromium reports; nothing else may appear.
    expect([...problems, ...narrow.problems].filter((p) => !p.includes('status of 429'))).toEqual([]);
  });

  it('off by default: the page has no form and loads no script for it', async () => {
    const base = await start({});
    const { page, problems } = await openPage(browser.current);
    await page.goto(base + '/');
    await page.waitForSelector('#base-url');
    expect(await page.locator('#self-issue').count()).toBe(0);
    expect(await page.content()).not.toContain('/js/self-issue.js');
    expect(problems).toEqual([]);
  });
});
