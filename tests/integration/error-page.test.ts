import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

/** What Chromium sends when it navigates to a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('errors for a browser asking for a page are an HTML page; API clients keep their JSON', () => {
  it('an unknown page is a 404 page in Chinese, with a link home and the CSP', async () => {
    t = await startTestApp();
    const res = await request(t.app).get('/no-such-page?x=1').set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('404 · 出错了');
    expect(res.text).toContain('找不到这个地址。');
    expect(res.text).toContain('<a href="/">返回首页</a>');
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it('in English after the language switch', async () => {
    t = await startTestApp();
    const res = await request(t.app).get('/admin/nothing').set('Accept', BROWSER_ACCEPT).set('Cookie', 'lang=en');
    expect(res.status).toBe(404);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Nothing here: no such page or endpoint.');
    expect(res.text).toContain('Back to the home page');
  });

  it('a page that crashes is a 500 page that says nothing of the crash; the log has it whole', async () => {
    const lines: string[] = [];
    t = await startTestApp({ logger: createLogger('error', { write: (line) => lines.push(line) }) });
    t.ctx.stats.pool = () => {
      throw new Error('the secret detail of the crash');
    };
    const res = await request(t.app).get('/').set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('服务器出错了，详情见服务器日志。');
    expect(res.text).not.toContain('secret detail');
    expect(lines.join('')).toContain('the secret detail of the crash');
  });

  it('a signed-out browser opening an admin-only page gets the 401 as a page', async () => {
    t = await startTestApp();
    const res = await request(t.app).get('/admin/stats-cards').set('Accept', BROWSER_ACCEPT);
    expect(res.status).toBe(401);
    expect(res.text).toContain('请先以管理员身份登录');
  });

  it.each([
    ['no Accept header', undefined],
    ['fetch’s default', '*/*'],
    ['JSON first', 'application/json, text/html'],
  ])('an unknown page asked with %s is the JSON 404 as before', async (_what, accept) => {
    t = await startTestApp();
    const req = request(t.app).get('/no-such-page');
    const res = await (accept === undefined ? req : req.set('Accept', accept));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not-found', message: 'No such endpoint: GET /no-such-page' } });
  });

  it.each(['/admin/api/nothing', '/ADMIN/API/nothing', '/api/nothing', '/metrics', '/health/nothing'])(
    '%s answers JSON even to a browser',
    async (path) => {
      t = await startTestApp();
      const res = await request(t.app).get(path).set('Accept', BROWSER_ACCEPT);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(typeof res.body.error.code).toBe('string');
    },
  );
});
