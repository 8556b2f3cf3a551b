import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';
import { openPage, signInAsAdmin, useBrowser } from './browser.js';

const browser = useBrowser();
let t: TestApp;
afterEach(() => t?.close());

describe('cooling per account × model in the admin page', () => {
  it("the key table's status cell and the overview's list show the account cooling, its model, until when and the limit", async () => {
    t = await startTestApp({ keys: { [fakeKey(1)]: { behavior: 'rate-limited' }, [fakeKey(2)]: {} } });
    t.ctx.keys.import([fakeKey(1), fakeKey(2)].join('\n'));
    const base = await t.listen();
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);

    const { page, problems } = await openPage(browser.current);
    await signInAsAdmin(page, base, TEST_ADMIN_PASSWORD);
    await expect
      .poll(() => page.locator('#cooling-list li').first().textContent(), { timeout: 10_000 })
      .toMatch(/^key:\d+ · deepseek-ai\/DeepSeek-V3 · 至 [^·]+ \(TPM\) · 1 个密钥$/);
    await expect(page.locator('#stats .status-cooling').textContent()).resolves.toBe('账户冷却中的密钥 1');
    await page.click('[data-tab="keys"]');
    await expect
      .poll(() => page.locator('#keys-body small.status-cooling').first().textContent(), { timeout: 10_000 })
      .toMatch(/^冷却中 · deepseek-ai\/DeepSeek-V3 · 至 [^·]+ \(TPM\)$/);
    await expect(page.locator('#keys-body small.status-cooling').count()).resolves.toBe(1);
    expect(problems.filter((p) => !p.includes('status of 401'))).toEqual([]); // the session check before signing in
  });
});
