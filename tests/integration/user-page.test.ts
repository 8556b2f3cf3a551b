import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, signIn, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

const setup = async (env: Record<string, string> = {}) => {
  t = await startTestApp({ env });
  t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n'));
};

describe('the user page at /', () => {
  it('open: anyone sees the pool, the base URL and masked keys — never a full key, never the access key', async () => {
    await setup();
    const res = await request(t.app).get('/').set('Host', 'pool.example:3000');
    expect(res.status).toBe(200);
    expect(res.text).toContain('http://pool.example:3000/v1');
    expect(res.text).toContain(`sk-${fakeKey(1).slice(3, 7)}…${fakeKey(1).slice(-4)}`);
    for (const i of [1, 2, 3]) expect(res.text).not.toContain(fakeKey(i).slice(3, 20));
    expect(res.text).not.toContain(t.ctx.accessKey.current().key);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/); // no inline scripts
  });

  // Issue 9, item 22: with every balance unknown (user/info retired) the page said ¥0.00, as if the pool were empty.
  it('shows the balance as unknown, not ¥0.00, until one is known; then sums the known ones and counts the rest', async () => {
    t = await startTestApp({ keys: { [fakeKey(1)]: { balance: '12.50' }, [fakeKey(2)]: {}, [fakeKey(3)]: {} } });
    const { addedIds } = t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n'));
    const balanceCard = async () => {
      const html = (await request(t.app).get('/')).text;
      return [/id="balance-total">([^<]*)</.exec(html)?.[1], /id="balance-detail">([^<]*)</.exec(html)?.[1]];
    };
    expect(await balanceCard()).toEqual(['未知', '3 个密钥余额未知']);
    const admin = await signIn(t.app);
    expect((await admin.agent.get('/admin/api/stats')).body.balance).toEqual({
      gift: null,
      charge: null,
      total: null,
      usable: null,
      knownBalanceKeys: 0,
      unknownBalanceKeys: 3,
    });
    await t.ctx.checks.checkOne(addedIds[0]!);
    expect(await balanceCard()).toEqual(['¥12.50', '赠送 ¥12.50 · 充值 ¥0.00 · 2 个密钥余额未知']);
  });

  // Issue 9, item 20: the Python snippet had api_key="$SFM_ACCESS_KEY", a literal Python never expands.
  it('the Python snippet reads the access key from the environment unless the page shows the key', async () => {
    await setup();
    const snippet = async () => /id="snippet-python"><code>([\s\S]*?)<\/code>/.exec((await request(t.app).get('/')).text)?.[1] ?? '';
    const hidden = await snippet();
    expect(hidden).toMatch(/^import os\n/);
    expect(hidden).toContain('api_key=os.environ[&#34;SFM_ACCESS_KEY&#34;]');
    expect(hidden).not.toContain('$SFM_ACCESS_KEY');
    t.ctx.settings.update({ showAccessKeyToGuests: true });
    expect(await snippet()).toContain(`api_key=&#34;${t.ctx.accessKey.current().key}&#34;`);
  });

  it('shares full keys and the access key with guests only when the admin turns the switches on', async () => {
    await setup();
    const admin = await signIn(t.app);
    await admin.agent
      .put('/admin/api/settings')
      .set('X-CSRF-Token', admin.csrf)
      .send({ shareKeysWithGuests: true, showAccessKeyToGuests: true });
    const res = await request(t.app).get('/');
    for (const i of [1, 2, 3]) expect(res.text).toContain(fakeKey(i));
    expect(res.text).toContain('复制全部可用密钥（3 个）');
    expect(res.text).toContain(t.ctx.accessKey.current().key);
    await admin.agent
      .put('/admin/api/settings')
      .set('X-CSRF-Token', admin.csrf)
      .send({ shareKeysWithGuests: false, showAccessKeyToGuests: false });
    const off = await request(t.app).get('/');
    for (const i of [1, 2, 3]) expect(off.text).not.toContain(fakeKey(i).slice(3, 20));
    expect(off.text).not.toContain(t.ctx.accessKey.current().key);
  });

  it('shows the access key to the signed-in admin', async () => {
    await setup();
    const admin = await signIn(t.app);
    const res = await admin.agent.get('/');
    expect(res.text).toContain(t.ctx.accessKey.current().key);
  });

  it('restricted: a password form first; a wrong password is 401, the right one lets the guest in', async () => {
    await setup({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    const agent = request.agent(t.app);
    const form = await agent.get('/');
    expect(form.status).toBe(200);
    expect(form.text).toContain('action="/guest/login"');
    expect(form.text).not.toContain('sk-');
    const wrong = await agent.post('/guest/login').type('form').send({ password: 'nope' });
    expect(wrong.status).toBe(401);
    const right = await agent.post('/guest/login').type('form').send({ password: 'open-sesame' });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/');
    const page = await agent.get('/');
    expect(page.text).toContain(`sk-${fakeKey(1).slice(3, 7)}…`);
    // The session holds a stamp of the password, never the password.
    const stored = t.ctx.db.prepare('SELECT sess FROM sessions').pluck().all().join('');
    expect(stored).toMatch(/"guest":"[0-9a-f]{64}"/);
    expect(stored).not.toContain('open-sesame');
  });

  // Issue 9, item 8: a guest who once knew the password stayed in after the admin changed it.
  it.each([
    ['changes the guest password', { guestPassword: 'a-new-secret' }],
    ['sets the same guest password again', { guestPassword: 'open-sesame' }],
  ])('restricted: every guest is signed out when the admin %s', async (_what, change) => {
    await setup({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    const guest = request.agent(t.app);
    expect((await guest.post('/guest/login').type('form').send({ password: 'open-sesame' })).status).toBe(303);
    expect((await guest.get('/')).text).toContain(`sk-${fakeKey(1).slice(3, 7)}…`);
    expect((await guest.post('/api/check-keys').send({ keys: 'x' })).status).toBe(400);

    const admin = await signIn(t.app);
    expect((await admin.agent.put('/admin/api/settings').set('X-CSRF-Token', admin.csrf).send(change)).status).toBe(200);
    const after = await guest.get('/');
    expect(after.text).toContain('action="/guest/login"');
    expect(after.text).not.toContain(`sk-${fakeKey(1).slice(3, 7)}…`);
    expect((await guest.post('/api/check-keys').send({ keys: 'x' })).status).toBe(401);
    // The admin stays signed in, and the new password lets a guest in again.
    expect((await admin.agent.get('/admin/api/session')).status).toBe(200);
    const again = request.agent(t.app);
    expect((await again.post('/guest/login').type('form').send({ password: change.guestPassword })).status).toBe(303);
    expect((await again.get('/')).text).toContain(`sk-${fakeKey(1).slice(3, 7)}…`);
  });

  it('restricted: clearing the guest password signs guests out, even when the same one comes back', async () => {
    await setup({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    const guest = request.agent(t.app);
    expect((await guest.post('/guest/login').type('form').send({ password: 'open-sesame' })).status).toBe(303);
    const admin = await signIn(t.app);
    const put = (body: object) => admin.agent.put('/admin/api/settings').set('X-CSRF-Token', admin.csrf).send(body);
    expect((await put({ accessControl: 'open', guestPassword: null })).status).toBe(200);
    expect((await put({ accessControl: 'restricted', guestPassword: 'open-sesame' })).status).toBe(200);
    expect((await guest.get('/')).text).toContain('action="/guest/login"');
    // A restart keeps the count of changes: the old session stays out.
    const restarted = t.restart();
    const cookie = (await guest.get('/')).request.cookies;
    expect((await request(restarted.app).get('/').set('Cookie', cookie)).text).toContain('action="/guest/login"');
  });

  it('restricted: 10 wrong guest passwords from one IP → 429', async () => {
    await setup({ ACCESS_CONTROL: 'restricted', GUEST_PASSWORD: 'open-sesame' });
    for (let i = 0; i < 10; i++)
      expect(
        (
          await request(t.app)
            .post('/guest/login')
            .type('form')
            .send({ password: `x${i}` })
        ).status,
      ).toBe(401);
    const locked = await request(t.app).post('/guest/login').type('form').send({ password: 'open-sesame' });
    expect(locked.status).toBe(429);
  });

  it('private: a visitor is sent to the admin sign-in; the admin sees the page', async () => {
    await setup({ ACCESS_CONTROL: 'private' });
    const res = await request(t.app).get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const admin = await signIn(t.app);
    expect((await admin.agent.get('/')).status).toBe(200);
  });

  it('follows a runtime change of the access mode', async () => {
    await setup();
    const admin = await signIn(t.app);
    await admin.agent.put('/admin/api/settings').set('X-CSRF-Token', admin.csrf).send({ accessControl: 'private' });
    expect((await request(t.app).get('/')).status).toBe(303);
  });

  it('pages the key list by PAGE_SIZE and ignores a malformed page number', async () => {
    await setup({ PAGE_SIZE: '2' });
    const first = await request(t.app).get('/');
    expect(first.text).toMatch(/第 1 \/ 2 页/);
    const second = await request(t.app).get('/?page=2');
    expect(second.text).toMatch(/第 2 \/ 2 页/);
    expect((await request(t.app).get('/?page=<script>')).status).toBe(200);
  });

  it('switches to English and remembers it in a cookie', async () => {
    await setup();
    const agent = request.agent(t.app);
    const switched = await agent.get('/lang/en');
    expect(switched.status).toBe(303);
    expect(String(switched.headers['set-cookie'])).toMatch(/lang=en/);
    const page = await agent.get('/');
    expect(page.text).toContain('Pool status');
    expect(page.text).toContain('<html lang="en">');
  });
});

describe('the key checker on the user page', () => {
  it('checks pasted keys on the server and stores nothing', async () => {
    t = await startTestApp({ keys: { [fakeKey(7)]: { balance: '3.00', chargeBalance: '1.00' }, [fakeKey(8)]: { behavior: 'invalid' } } });
    const res = await request(t.app)
      .post('/api/check-keys')
      .send({ keys: `mine: ${fakeKey(7)}, ${fakeKey(8)} and sk-short` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      results: [
        {
          maskedKey: `sk-${fakeKey(7).slice(3, 7)}…${fakeKey(7).slice(-4)}`,
          status: 'active',
          giftBalance: 3,
          chargeBalance: 1,
          totalBalance: 4,
          error: null,
        },
        {
          maskedKey: `sk-${fakeKey(8).slice(3, 7)}…${fakeKey(8).slice(-4)}`,
          status: 'invalid',
          giftBalance: null,
          chargeBalance: null,
          totalBalance: null,
          error: expect.stringMatching(/HTTP 401/),
        },
      ],
      invalid: 1,
    });
    expect(res.text).not.toContain(fakeKey(7).slice(3, 20));
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(0);
    expect(t.fake.requests.map((r) => r.key)).toEqual(expect.arrayContaining([fakeKey(7), fakeKey(8)]));
  });

  it("reads keys pasted with a balance beside them or as a CSV, and shows SiliconFlow's figures to the fen, not the pasted ones", async () => {
    t = await startTestApp({
      keys: { [fakeKey(7)]: { balance: '0.88', chargeBalance: '88.00' }, [fakeKey(8)]: { balance: '-0.01', chargeBalance: '0.00' } },
    });
    for (const keys of [`${fakeKey(7)} 14.00\n${fakeKey(8)}----14`, `key,balance\n${fakeKey(7)},14\n${fakeKey(8)},14`]) {
      const res = await request(t.app).post('/api/check-keys').send({ keys });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: Record<string, unknown>) => [r.giftBalance, r.chargeBalance, r.totalBalance])).toEqual([
        [0.88, 88, 88.88],
        [-0.01, 0, -0.01],
      ]);
    }
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get()).toBe(0);
  });

  it('can be switched off by the admin: the form leaves the page and the endpoint answers 403 key-checker-off', async () => {
    t = await startTestApp({ keys: { [fakeKey(7)]: {} } });
    expect((await request(t.app).get('/')).text).toContain('id="checker-form"');
    const admin = await signIn(t.app);
    expect((await admin.agent.put('/admin/api/settings').set('X-CSRF-Token', admin.csrf).send({ keyChecker: false })).status).toBe(200);
    const page = await request(t.app).get('/');
    expect(page.text).not.toContain('id="checker-form"');
    expect(page.text).not.toContain('/js/checker.js');
    t.fake.clearRequests();
    const res = await request(t.app)
      .post('/api/check-keys')
      .send({ keys: fakeKey(7) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('key-checker-off');
    expect(t.fake.requests).toEqual([]);
    const off = await startTestApp({ env: { KEY_CHECKER: 'false' } });
    expect(
      (
        await request(off.app)
          .post('/api/check-keys')
          .send({ keys: fakeKey(7) })
      ).status,
    ).toBe(403);
    await off.close();
  });

  it('refuses an empty paste, too many keys, and visitors the page is closed to; rate-limits per IP', async () => {
    t = await startTestApp({ env: { ACCESS_CONTROL: 'private' } });
    expect(
      (
        await request(t.app)
          .post('/api/check-keys')
          .send({ keys: fakeKey(1) })
      ).status,
    ).toBe(401);
    t.ctx.settings.update({ accessControl: 'open' });
    expect((await request(t.app).post('/api/check-keys').send({ keys: 'nothing here' })).body.error.code).toBe('no-keys-found');
    const many = Array.from({ length: 21 }, (_, i) => fakeKey(i)).join(' ');
    expect((await request(t.app).post('/api/check-keys').send({ keys: many })).body.error.code).toBe('too-many-keys');
    for (let i = 0; i < 18; i++) await request(t.app).post('/api/check-keys').send({ keys: 'x' });
    const limited = await request(t.app)
      .post('/api/check-keys')
      .send({ keys: fakeKey(1) });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too-many-checks');
  });
});
