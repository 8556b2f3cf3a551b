/**
 * Issue 9, item 2: with TRUST_PROXY once defaulting to "loopback", any local client (and everything
 * behind a same-host proxy that passes the header on) could send a fresh X-Forwarded-For per attempt
 * and get a fresh rate-limit bucket each time: the sign-in, guest-password and key-checker limits
 * were no limits at all. By default the header is now ignored.
 */
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

/** A different made-up client address for every attempt (TEST-NET-3). */
const forged = (i: number) => `203.0.113.${i + 1}`;
const signIn = (password: string, xff: string) =>
  request(t.app).post('/admin/api/login').set('X-Forwarded-For', xff).send({ username: 'admin', password });

describe('client IPs cannot be forged with X-Forwarded-For (TRUST_PROXY off by default)', () => {
  it('a fresh X-Forwarded-For per attempt does not escape the sign-in limit', async () => {
    t = await startTestApp();
    for (let i = 0; i < 10; i++) expect((await signIn(`guess-${i}`, forged(i))).status).toBe(401);
    const locked = await signIn(TEST_ADMIN_PASSWORD, forged(10));
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too-many-attempts');
  });

  it('a fresh X-Forwarded-For per attempt does not escape the guest-password limit', async () => {
    t = await startTestApp({ env: { ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' } });
    const guest = (password: string, xff: string) =>
      request(t.app).post('/guest/login').set('X-Forwarded-For', xff).type('form').send({ password });
    for (let i = 0; i < 10; i++) expect((await guest(`x${i}`, forged(i))).status).toBe(401);
    expect((await guest('open-sesame', forged(10))).status).toBe(429);
  });

  it('a fresh X-Forwarded-For per attempt does not escape the key-checker limit', async () => {
    t = await startTestApp();
    const check = (xff: string) => request(t.app).post('/api/check-keys').set('X-Forwarded-For', xff).send({ keys: 'no key here' });
    for (let i = 0; i < 20; i++) expect((await check(forged(i))).status).toBe(400);
    const limited = await check(forged(20));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too-many-checks');
  });

  it('ignores X-Forwarded-Proto too: a cookie is not marked Secure on the word of a client', async () => {
    t = await startTestApp();
    const res = await signIn(TEST_ADMIN_PASSWORD, forged(0)).set('X-Forwarded-Proto', 'https');
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
  });
});

describe('behind a trusted reverse proxy (TRUST_PROXY=loopback)', () => {
  it('limits each real client by the address the proxy reports', async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    for (let i = 0; i < 10; i++) expect((await signIn(`guess-${i}`, '198.51.100.7')).status).toBe(401);
    expect((await signIn(TEST_ADMIN_PASSWORD, '198.51.100.7')).status).toBe(429);
    // Another client behind the same proxy is not locked out by the first one's failures.
    expect((await signIn(TEST_ADMIN_PASSWORD, '198.51.100.8')).status).toBe(200);
  });
});
