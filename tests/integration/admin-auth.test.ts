import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD } from '../../src/auth/admin-auth.js';
import { signIn as signInAs, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';

// These tests are about the default password: the app starts with admin / admin, as a fresh install does.
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ env: { ADMIN_PASSWORD: DEFAULT_PASSWORD } });
});
const signIn = (app: TestApp['app']) => signInAs(app, 'admin', DEFAULT_PASSWORD);
/** The same data directory, restarted with a password that is not the default (the admin API unlocked). */
const unlocked = () => t.restart({ ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
afterEach(() => t.close());

describe('admin sign-in', () => {
  it('signs in with the default credentials and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'admin', csrfToken: expect.any(String), mustChangePassword: true });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/sfm\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted local reverse proxy', async () => {
    const behindProxy = t.restart({ TRUST_PROXY: 'loopback' });
    const res = await request(behindProxy.app)
      .post('/admin/api/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'admin', password: 'admin' });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
  });

  it.each([[{ username: 'admin', password: 'wrong' }], [{ username: 'root', password: 'admin' }]])(
    'rejects %j with 401 wrong-credentials and no cookie',
    async (body) => {
      const res = await request(t.app).post('/admin/api/login').send(body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('wrong-credentials');
      expect(res.headers['set-cookie']).toBeUndefined();
    },
  );

  it('answers a malformed body with 400 and a JSON code', async () => {
    const res = await request(t.app).post('/admin/api/login').set('Content-Type', 'application/json').send('{nope');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-json');
    const missing = await request(t.app).post('/admin/api/login').send({ username: 'admin' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: 'invalid-request', message: expect.stringMatching(/^password/) });
  });

  it('locks out an IP after 10 failed attempts within the window, even for the right password', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await request(t.app)
        .post('/admin/api/login')
        .send({ username: 'admin', password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    const locked = await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too-many-attempts');
  });

  it('does not count successful sign-ins towards the limit', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' });
      expect(res.status).toBe(200);
    }
  });
});

describe('admin session and CSRF', () => {
  it('answers 401 not-signed-in without a session', async () => {
    for (const [method, path] of [
      ['get', '/admin/api/session'],
      ['get', '/admin/api/keys'],
      ['get', '/admin/api/stats'],
      ['post', '/admin/api/keys'],
    ] as const) {
      const res = await request(t.app)[method](path);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('not-signed-in');
    }
  });

  it('GET /session returns the user, the CSRF token and mustChangePassword', async () => {
    const admin = await signIn(t.app);
    const res = await admin.agent.get('/admin/api/session');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'admin', csrfToken: admin.csrf, mustChangePassword: true });
  });

  it('refuses a change without X-CSRF-Token or with a wrong one (403) and changes nothing', async () => {
    const admin = await signInAs(unlocked().app);
    const none = await admin.agent.post('/admin/api/keys').send({ keys: 'sk-' + 'a'.repeat(48) });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('csrf-token-invalid');
    const wrong = await admin.agent
      .post('/admin/api/keys')
      .set('X-CSRF-Token', 'forged')
      .send({ keys: 'sk-' + 'a'.repeat(48) });
    expect(wrong.status).toBe(403);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(0);
  });

  it('logout ends the session', async () => {
    const admin = await signIn(t.app);
    const out = await admin.agent.post('/admin/api/logout').set('X-CSRF-Token', admin.csrf);
    expect(out.status).toBe(204);
    expect((await admin.agent.get('/admin/api/session')).status).toBe(401);
  });

  it('keeps sessions in SQLite: a restarted app still knows the signed-in admin', async () => {
    const admin = await signIn(t.app);
    const restarted = t.restart();
    const cookie = (await admin.agent.get('/admin/api/session')).request.cookies;
    const res = await request(restarted.app).get('/admin/api/session').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(1);
  });

  it('answers unknown /admin/api paths with a JSON 404, signed in or not', async () => {
    const anon = await request(t.app).get('/admin/api/nothing-here');
    expect(anon.status).toBe(404);
    expect(anon.body.error.code).toBe('not-found');
    const admin = await signInAs(unlocked().app);
    const res = await admin.agent.delete('/admin/api/nothing-here').set('X-CSRF-Token', admin.csrf);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not-found');
  });
});

describe('the default password locks the admin API', () => {
  const locked = [
    ['get', '/admin/api/keys'],
    ['get', '/admin/api/keys/export'],
    ['get', '/admin/api/keys/1'],
    ['post', '/admin/api/keys'],
    ['post', '/admin/api/keys/bulk'],
    ['post', '/admin/api/keys/check'],
    ['get', '/admin/api/stats'],
    ['get', '/admin/api/stats/series'],
    ['get', '/admin/api/logs'],
    ['get', '/admin/api/settings'],
    ['put', '/admin/api/settings'],
    ['delete', '/admin/api/settings/pageSize'],
    ['get', '/admin/api/access-key'],
    ['post', '/admin/api/access-key/rotate'],
    ['get', '/admin/api/jobs/x'],
    ['get', '/admin/api/nothing-here'],
  ] as const;

  it('answers every route but session, password and logout with 403 password-change-required, and changes nothing', async () => {
    const admin = await signIn(t.app);
    const accessKey = t.ctx.accessKey.current().key;
    for (const [method, path] of locked) {
      const res = await admin.agent[method](path)
        .set('X-CSRF-Token', admin.csrf)
        .send(method === 'get' ? undefined : { keys: 'sk-' + 'a'.repeat(48), action: 'delete', ids: [1], pageSize: 7 });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code, `${method} ${path}`).toBe('password-change-required');
    }
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(0);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM settings').pluck().get()).toBe(0);
    expect(t.ctx.accessKey.current().key).toBe(accessKey);
    expect((await admin.agent.get('/admin/api/session')).status).toBe(200);
  });

  it('locks /metrics for a session, not for a scraper with the access key', async () => {
    const admin = await signIn(t.app);
    const bySession = await admin.agent.get('/metrics');
    expect(bySession.status).toBe(403);
    expect(bySession.body.error.code).toBe('password-change-required');
    const byKey = await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.ctx.accessKey.current().key}`);
    expect(byKey.status).toBe(200);
  });

  it('unlocks everything once the password is changed, in the same session', async () => {
    const admin = await signIn(t.app);
    const changed = await admin.agent
      .put('/admin/api/password')
      .set('X-CSRF-Token', admin.csrf)
      .send({ current: 'admin', next: 'a-real-password' });
    expect(changed.status).toBe(200);
    const imported = await admin.agent
      .post('/admin/api/keys')
      .set('X-CSRF-Token', admin.csrf)
      .send({ keys: 'sk-' + 'a'.repeat(48) });
    expect(imported.status).toBe(201);
    expect((await admin.agent.get('/metrics')).status).toBe(200);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(1);
  });

  it('still lets a default-password session sign out', async () => {
    const admin = await signIn(t.app);
    expect((await admin.agent.post('/admin/api/logout').set('X-CSRF-Token', admin.csrf)).status).toBe(204);
  });
});

describe('password change', () => {
  it('stores the new password hashed, clears mustChangePassword, and the old password stops working', async () => {
    const admin = await signIn(t.app);
    const res = await admin.agent
      .put('/admin/api/password')
      .set('X-CSRF-Token', admin.csrf)
      .send({ current: 'admin', next: 'correct horse battery' });
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(false);

    const stored = String(t.ctx.db.prepare("SELECT value FROM app_state WHERE name = 'admin.passwordHash'").pluck().get());
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain('correct horse battery');

    expect((await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' })).status).toBe(401);
    const again = await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'correct horse battery' });
    expect(again.status).toBe(200);
    expect(again.body.mustChangePassword).toBe(false);
  });

  it('survives a restart, even with ADMIN_PASSWORD still "admin" in the environment', async () => {
    const admin = await signIn(t.app);
    await admin.agent.put('/admin/api/password').set('X-CSRF-Token', admin.csrf).send({ current: 'admin', next: 'new-password-1' });
    const restarted = t.restart();
    expect((await request(restarted.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' })).status).toBe(401);
    expect((await request(restarted.app).post('/admin/api/login').send({ username: 'admin', password: 'new-password-1' })).status).toBe(
      200,
    );
  });

  it('signs out other sessions when the password changes', async () => {
    const first = await signIn(t.app);
    const second = await signIn(t.app);
    await first.agent.put('/admin/api/password').set('X-CSRF-Token', first.csrf).send({ current: 'admin', next: 'new-password-1' });
    expect((await first.agent.get('/admin/api/session')).status).toBe(200);
    expect((await second.agent.get('/admin/api/session')).status).toBe(401);
  });

  it.each([
    [{ current: 'nope', next: 'long-enough-1' }, 401, 'wrong-password'],
    [{ current: 'admin', next: 'short' }, 400, 'invalid-request'],
    [{ current: 'admin', next: 'admin' }, 400, 'invalid-request'],
  ])('%j → %i %s, password unchanged', async (body, status, code) => {
    const admin = await signIn(t.app);
    const res = await admin.agent.put('/admin/api/password').set('X-CSRF-Token', admin.csrf).send(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await request(t.app).post('/admin/api/login').send({ username: 'admin', password: 'admin' })).status).toBe(200);
  });

  it('starts without mustChangePassword when ADMIN_PASSWORD is set to something else', async () => {
    const other = t.restart({ ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'from-the-env' });
    const res = await request(other.app).post('/admin/api/login').send({ username: 'boss', password: 'from-the-env' });
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(false);
  });
});

describe('GET /health', () => {
  it('answers 200 {status: "ok"} while the database answers, 503 when it does not', async () => {
    const res = await request(t.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    t.ctx.db.close();
    const down = await request(t.app).get('/health');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
  });
});
