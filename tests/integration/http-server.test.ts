import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';

// Issue 15 (ready time): the server answers /v1 and GET /health without Express, and loads the web
// side (pages, admin API) with the first request that needs it. These go through the real server
// (createHttpServer) over HTTP, as a browser, a load balancer and an SDK would.

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('the server before and after its web side is loaded', () => {
  it('GET and HEAD /health answer 200 {status: "ok"} the way Express did (any query, a trailing slash, any case)', async () => {
    t = await startTestApp();
    const base = await t.listen();
    for (const path of ['/health', '/health?probe=1', '/health/', '/HEALTH']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
      expect(await res.json(), path).toEqual({ status: 'ok' });
    }
    const head = await fetch(`${base}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('/health answers 503 database-unavailable when the database does not answer', async () => {
    t = await startTestApp();
    const base = await t.listen();
    t.ctx.db.close();
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; error: { code: string } };
    expect(body.status).toBe('error');
    expect(body.error.code).toBe('database-unavailable');
  });

  it('the first requests for pages and the admin API, arriving together while it loads, all get their answers', async () => {
    t = await startTestApp();
    const base = await t.listen();
    const [page, keys, login, missing, postHealth] = await Promise.all([
      fetch(`${base}/`),
      fetch(`${base}/admin/api/keys`),
      fetch(`${base}/admin/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      }),
      fetch(`${base}/admin/api/nothing`),
      fetch(`${base}/health`, { method: 'POST' }),
    ]);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(keys.status).toBe(401);
    expect(((await keys.json()) as { error: { code: string } }).error.code).toBeTruthy();
    expect(login.status).toBe(200);
    expect(((await login.json()) as { csrfToken?: string }).csrfToken).toBeTruthy();
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not-found');
    // Only GET and HEAD are the health check's: anything else goes to the app, which has no such route.
    expect(postHealth.status).toBe(404);
    expect(((await postHealth.json()) as { error: { code: string } }).error.code).toBe('not-found');
    // And once loaded, the next request goes straight in.
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});
