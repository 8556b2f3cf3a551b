import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, signIn, startTestApp, waitForJob, type Admin, type TestApp } from '../helpers/test-app.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';

let t: TestApp;
let admin: Admin;
afterEach(() => t?.close());

async function setup(keys: Record<string, Partial<FakeKeyState>>, env?: Record<string, string>) {
  t = await startTestApp({ keys, env });
  admin = await signIn(t.app);
  const res = await admin.agent
    .post('/admin/api/keys')
    .set('X-CSRF-Token', admin.csrf)
    .send({ keys: Object.keys(keys).join('\n') });
  expect(res.status).toBe(201);
  const items = (await admin.agent.get('/admin/api/keys?sort=id&pageSize=500')).body.items as { id: number }[];
  return items.map((i) => i.id);
}

const checkOne = (id: number) => admin.agent.post(`/admin/api/keys/${id}/check`).set('X-CSRF-Token', admin.csrf);
const row = (id: number) =>
  t.ctx.db
    .prepare(
      'SELECT status, anchor_gift_nano, anchor_paid_nano, anchor_source, spent_gift_nano, last_error, last_checked_at FROM keys WHERE id = ?',
    )
    .get(id) as Record<string, unknown>;

describe('checking one key: GET /v1/user/info answers 200', () => {
  it('records gift, paid and total balance and marks the key active', async () => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '0.88', chargeBalance: '88.00' } });
    const res = await checkOne(id!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'active', giftBalance: 0.88, chargeBalance: 88, totalBalance: 88.88, lastError: null });
    expect(res.body.lastCheckedAt).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain(fakeKey(1).slice(3));
    const sent = t.fake.requests.filter((r) => r.path === '/v1/user/info');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.key).toBe(fakeKey(1));
  });

  it('marks a key with no money (total 0 or negative) exhausted', async () => {
    const ids = await setup({
      [fakeKey(1)]: { behavior: 'exhausted', balance: '0.00', chargeBalance: '0.00' },
      [fakeKey(2)]: { behavior: 'exhausted', balance: '-0.01', chargeBalance: '0.00' },
    });
    expect((await checkOne(ids[0]!)).body).toMatchObject({ status: 'exhausted', totalBalance: 0 });
    expect((await checkOne(ids[1]!)).body).toMatchObject({ status: 'exhausted', totalBalance: -0.01 });
  });
});

describe('checking one key after spend: user/info 200 is a new exact anchor', () => {
  const spent = (id: number, gift: number, paid: number, unsplit = 0) =>
    t.ctx.db
      .prepare('UPDATE keys SET spent_gift_nano = ?, spent_paid_nano = ?, spent_unsplit_nano = ? WHERE id = ?')
      .run(gift, paid, unsplit, id);

  it('the spend since the last anchor is past: spent resets to 0, the figures are SiliconFlow’s, source user-info', async () => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '14.00', chargeBalance: '5.00' } });
    await checkOne(id!);
    // What the proxy's metering writes as requests are made: ¥2 of gift credit, ¥1 of paid, ¥0.5 unsplit.
    spent(id!, 2_000_000_000, 1_000_000_000, 500_000_000);
    const before = (await admin.agent.get(`/admin/api/keys/${id}`)).body;
    expect(before).toMatchObject({
      giftBalance: 12,
      chargeBalance: 4,
      totalBalance: 15.5,
      balanceKind: 'estimated',
      balanceSource: 'user-info',
    });
    // SiliconFlow's truth differs a little from the estimate (prices drift, vouchers exist).
    t.fake.setKey(fakeKey(1), { balance: '11.37', chargeBalance: '4.00' });
    const res = await checkOne(id!);
    expect(res.body).toMatchObject({
      giftBalance: 11.37,
      chargeBalance: 4,
      totalBalance: 15.37,
      balanceKind: 'exact',
      balanceSource: 'user-info',
    });
    expect(row(id!)).toMatchObject({
      anchor_gift_nano: 11_370_000_000,
      anchor_paid_nano: 4_000_000_000,
      anchor_source: 'user-info',
      spent_gift_nano: 0,
    });
    expect(t.ctx.db.prepare('SELECT spent_paid_nano, spent_unsplit_nano FROM keys WHERE id = ?').get(id)).toEqual({
      spent_paid_nano: 0,
      spent_unsplit_nano: 0,
    });
  });

  it("replaces a balance the admin set with SiliconFlow's exact one", async () => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '0.88', chargeBalance: '88.00' } });
    const set = await admin.agent.put(`/admin/api/keys/${id}/balance`).set('X-CSRF-Token', admin.csrf).send({ gift: '14', paid: '0' });
    expect(set.body).toMatchObject({ totalBalance: 14, balanceSource: 'admin' });
    spent(id!, 1_000_000_000, 0);
    expect((await checkOne(id!)).body).toMatchObject({
      giftBalance: 0.88,
      chargeBalance: 88,
      balanceKind: 'exact',
      balanceSource: 'user-info',
    });
    expect(row(id!)).toMatchObject({
      anchor_gift_nano: 880_000_000,
      anchor_paid_nano: 88_000_000_000,
      anchor_source: 'user-info',
      spent_gift_nano: 0,
    });
  });
});

describe('checking one key: user/info retired (410 or 404)', () => {
  // Issue 11: a check that cannot read balances used to wipe the last known one; the ledger keeps it.
  it.each(['gone', 'not-found'] as const)(
    'mode %s: falls back to GET /v1/models → active; the last known balance stays, with its source and age',
    async (mode) => {
      const [id] = await setup({ [fakeKey(1)]: { balance: '5.00' } });
      await checkOne(id!); // first with a known balance
      expect(row(id!)).toMatchObject({ anchor_gift_nano: 5_000_000_000, anchor_paid_nano: 0, anchor_source: 'user-info' });
      t.fake.setUserInfoMode(mode);
      t.fake.clearRequests();
      const res = await checkOne(id!);
      expect(res.body).toMatchObject({
        status: 'active',
        giftBalance: 5,
        chargeBalance: 0,
        totalBalance: 5,
        balanceKind: 'exact',
        balanceSource: 'user-info',
        lastError: null,
      });
      expect(t.fake.requests.map((r) => r.path)).toEqual(['/v1/user/info', '/v1/models']);
    },
  );

  it.each(['gone', 'not-found'] as const)('mode %s on a key never seen by user/info: balance unknown (null, not 0)', async (mode) => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '5.00' } });
    t.fake.setUserInfoMode(mode);
    const res = await checkOne(id!);
    expect(res.body).toMatchObject({
      status: 'active',
      giftBalance: null,
      chargeBalance: null,
      totalBalance: null,
      balanceKind: 'unknown',
    });
  });

  // Issue 13: /v1/models answers a key with no money too, so every scheduled refresh turned exhausted
  // keys active and the next call's 30001 turned them back. The recovery's probe asks the money question.
  it('an exhausted key stays exhausted: /v1/models cannot tell that it has money again', async () => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '0.00', chargeBalance: '0.00' } });
    expect((await checkOne(id!)).body.status).toBe('exhausted');
    t.fake.setUserInfoMode('gone');
    expect((await checkOne(id!)).body).toMatchObject({ status: 'exhausted', lastError: expect.stringMatching(/^could not tell/) });
  });

  it('an invalid key is still found invalid through /v1/models', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'invalid' } });
    t.fake.setUserInfoMode('gone');
    expect((await checkOne(id!)).body.status).toBe('invalid');
  });
});

describe('checking one key: failures', () => {
  it.each([
    ['invalid', 'invalid', /HTTP 401 \(code 30014\)/],
    ['invalid-string', 'invalid', /HTTP 401: Invalid token/],
    ['server-error', 'error', /HTTP 500 \(code 50507\)/],
    ['rate-limited', 'error', /HTTP 429/],
    ['reset', 'error', /network error/],
  ] as const)('%s → %s with the reason in lastError', async (behavior, status, reason) => {
    const [id] = await setup({ [fakeKey(1)]: { behavior } });
    const res = await checkOne(id!);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(status);
    expect(res.body.lastError).toMatch(reason);
    expect(row(id!).status).toBe(status);
  });

  // Issue 13: a check that met SiliconFlow's overload used to turn the key into `error`; overload says
  // nothing about the key, so the check records that it could not tell and the status stays.
  it.each([
    ['overloaded', /could not tell: HTTP 503 \(code 50505\)/],
    ['busy', /could not tell: HTTP 503 \(code 50508\)/],
  ] as const)('%s (503) keeps the status the key had, with "could not tell" in lastError', async (behavior, reason) => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'exhausted', balance: '0.00', chargeBalance: '0.00' } });
    expect((await checkOne(id!)).body.status).toBe('exhausted');
    t.fake.setKey(fakeKey(1), { behavior });
    const res = await checkOne(id!);
    expect(res.body).toMatchObject({ status: 'exhausted', lastError: expect.stringMatching(reason) });
    expect(row(id!)).toMatchObject({ status: 'exhausted', last_error: expect.stringMatching(reason) });
  });

  it('a timeout is an error, not invalid', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'hang' } }, { CHECK_TIMEOUT_MS: '1000' });
    const res = await checkOne(id!);
    expect(res.body).toMatchObject({ status: 'error', lastError: expect.stringMatching(/timeout/) });
  });

  it('upstream trouble keeps the balances recorded before', async () => {
    const [id] = await setup({ [fakeKey(1)]: { balance: '3.50' } });
    await checkOne(id!);
    t.fake.setKey(fakeKey(1), { behavior: 'server-error' });
    expect((await checkOne(id!)).body).toMatchObject({ status: 'error', totalBalance: 3.5 });
  });

  it('SiliconFlow unreachable (connection refused) → error, never invalid', async () => {
    const [id] = await setup({ [fakeKey(1)]: {} });
    const unreachable = t.restart({ SILICONFLOW_BASE_URL: 'http://127.0.0.1:1' });
    const other = await signIn(unreachable.app);
    const res = await other.agent.post(`/admin/api/keys/${id}/check`).set('X-CSRF-Token', other.csrf);
    expect(res.body).toMatchObject({ status: 'error', lastError: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('a key that recovers (top-up, upstream back) becomes active again on the next check', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'exhausted' } });
    expect((await checkOne(id!)).body.status).toBe('exhausted');
    t.fake.setKey(fakeKey(1), { behavior: 'ok', balance: '10.00' });
    expect((await checkOne(id!)).body).toMatchObject({ status: 'active', totalBalance: 10, lastError: null });
  });

  it('a check of a missing key is 404 key-not-found', async () => {
    await setup({ [fakeKey(1)]: {} });
    const res = await checkOne(999);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('key-not-found');
  });
});

describe('check jobs', () => {
  const pool = () => {
    const keys: Record<string, Partial<FakeKeyState>> = {};
    for (let i = 0; i < 12; i++) keys[fakeKey(i)] = { balance: `${i}.00` };
    keys[fakeKey(100)] = { behavior: 'invalid' };
    keys[fakeKey(101)] = { behavior: 'overloaded' };
    return keys;
  };

  it('POST /keys/check checks every key and reports progress until done', async () => {
    const ids = await setup(pool());
    const start = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    expect(start.status).toBe(202);
    expect(start.body).toEqual({ jobId: expect.any(String), alreadyRunning: false });
    const job = await waitForJob(admin, start.body.jobId);
    // The overloaded key's check could not tell (failed), and the key stays as it was: active.
    expect(job).toMatchObject({ state: 'done', total: 14, done: 14, ok: 13, failed: 1 });
    expect(job.byStatus).toEqual({ active: 12, exhausted: 1, invalid: 1 });
    const statuses = t.ctx.db.prepare('SELECT status, COUNT(*) AS n FROM keys GROUP BY status ORDER BY status').all();
    expect(statuses).toEqual([
      { status: 'active', n: 12 },
      { status: 'exhausted', n: 1 },
      { status: 'invalid', n: 1 },
    ]);
    expect(ids).toHaveLength(14);
  });

  it('limits to keys with a status, and a second start while running returns the running job', async () => {
    await setup({ ...pool(), [fakeKey(200)]: { behavior: 'ok', delayMs: 300 } });
    const first = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    const second = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    expect(second.body).toEqual({ jobId: first.body.jobId, alreadyRunning: true });
    await waitForJob(admin, first.body.jobId);
    const onlyInvalid = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({ status: 'invalid' });
    expect((await waitForJob(admin, onlyInvalid.body.jobId)).total).toBe(1);
  });

  it('keeps at most CHECK_CONCURRENCY checks in flight', async () => {
    const keys: Record<string, Partial<FakeKeyState>> = {};
    for (let i = 0; i < 9; i++) keys[fakeKey(i)] = { delayMs: 150 };
    await setup(keys, { CHECK_CONCURRENCY: '3' });
    const start = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    await waitForJob(admin, start.body.jobId);
    const times = t.fake.requests
      .filter((r) => r.path === '/v1/user/info')
      .map((r) => r.receivedAt)
      .sort((a, b) => a - b);
    // 9 keys, 3 at a time, 150 ms each: three waves, so the 4th request cannot start with the first three.
    expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(times[6]! - times[0]!).toBeGreaterThanOrEqual(280);
  });

  it('the import with check: true checks the new keys in a job', async () => {
    t = await startTestApp({ keys: { [fakeKey(1)]: { balance: '2.00' }, [fakeKey(2)]: { behavior: 'invalid' } } });
    admin = await signIn(t.app);
    const res = await admin.agent
      .post('/admin/api/keys')
      .set('X-CSRF-Token', admin.csrf)
      .send({ keys: `${fakeKey(1)} ${fakeKey(2)}`, check: true });
    expect(res.body).toMatchObject({ added: 2, jobId: expect.any(String) });
    expect(await waitForJob(admin, res.body.jobId)).toMatchObject({ state: 'done', total: 2, byStatus: { active: 1, invalid: 1 } });
  });

  it('bulk check runs a job over the selected keys only', async () => {
    const ids = await setup(pool());
    const res = await admin.agent
      .post('/admin/api/keys/bulk')
      .set('X-CSRF-Token', admin.csrf)
      .send({ action: 'check', ids: [ids[0], ids[1]] });
    expect(res.status).toBe(202);
    expect((await waitForJob(admin, res.body.jobId)).total).toBe(2);
    expect(t.fake.requests.filter((r) => r.path === '/v1/user/info')).toHaveLength(2);
  });

  it('streams the same progress as Server-Sent Events, ending with a done event', async () => {
    await setup(pool());
    const start = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    const res = await admin.agent
      .get(`/admin/api/jobs/${start.body.jobId}/events`)
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = String(res.body)
      .trim()
      .split('\n\n')
      .map((block) => ({
        event: /^event: (.*)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
      }));
    const last = events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ state: 'done', total: 14, done: 14 });
    const dones = events.map((e) => e.data.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });

  it('an unknown job is 404 job-not-found', async () => {
    await setup({ [fakeKey(1)]: {} });
    const res = await admin.agent.get('/admin/api/jobs/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('job-not-found');
  });

  it('the scheduled refresh skips invalid and disabled keys, and re-checks exhausted and errored ones', async () => {
    const ids = await setup({
      [fakeKey(1)]: { behavior: 'invalid' },
      [fakeKey(2)]: { behavior: 'exhausted' },
      [fakeKey(3)]: { behavior: 'overloaded' },
      [fakeKey(4)]: {},
    });
    const all = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    await waitForJob(admin, all.body.jobId);
    await admin.agent.patch(`/admin/api/keys/${ids[3]}`).set('X-CSRF-Token', admin.csrf).send({ enabled: false });
    t.fake.clearRequests();
    await t.ctx.checks.refreshScheduled();
    expect(new Set(t.fake.requests.map((r) => r.key))).toEqual(new Set([fakeKey(2), fakeKey(3)]));
  });
});

describe('pool stats after checks', () => {
  it('sums known balances; usable counts only enabled, active keys', async () => {
    const ids = await setup({
      [fakeKey(1)]: { balance: '1.25', chargeBalance: '10.00' },
      [fakeKey(2)]: { balance: '2.00' },
      [fakeKey(3)]: { behavior: 'exhausted', balance: '-0.01' },
      [fakeKey(4)]: { behavior: 'server-error' },
    });
    const job = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    await waitForJob(admin, job.body.jobId);
    await admin.agent.patch(`/admin/api/keys/${ids[1]}`).set('X-CSRF-Token', admin.csrf).send({ enabled: false });
    const stats = (await admin.agent.get('/admin/api/stats')).body;
    expect(stats.keys.byStatus).toEqual({ active: 1, exhausted: 1, invalid: 0, error: 1, disabled: 1 });
    expect(stats.balance).toEqual({ gift: 3.24, charge: 10, total: 13.24, usable: 11.25, knownBalanceKeys: 3, unknownBalanceKeys: 1 });
  });
});

describe('persistence', () => {
  it('a restart keeps keys, statuses and balances', async () => {
    const ids = await setup({ [fakeKey(1)]: { balance: '1.50' }, [fakeKey(2)]: { behavior: 'invalid' } });
    await checkOne(ids[0]!);
    await checkOne(ids[1]!);
    const before = (await admin.agent.get('/admin/api/keys?sort=id')).body.items;
    const restarted = t.restart();
    const again = await signIn(restarted.app);
    const after = (await again.agent.get('/admin/api/keys?sort=id')).body.items;
    expect(after).toEqual(before);
    expect(after.map((k: { status: string }) => k.status)).toEqual(['active', 'invalid']);
    const exported = await again.agent.get('/admin/api/keys/export?format=txt');
    expect(exported.text.trim().split('\n')).toEqual([fakeKey(1), fakeKey(2)]);
  });

  it('no file in DATA_DIR holds a key in plaintext (database, WAL, sessions, secrets)', async () => {
    const keys: Record<string, Partial<FakeKeyState>> = {};
    for (let i = 0; i < 20; i++) keys[fakeKey(i)] = { behavior: i % 3 ? 'ok' : 'invalid' };
    const ids = await setup(keys);
    await admin.agent.patch(`/admin/api/keys/${ids[0]}`).set('X-CSRF-Token', admin.csrf).send({ note: 'hello' });
    const job = await admin.agent.post('/admin/api/keys/check').set('X-CSRF-Token', admin.csrf).send({});
    await waitForJob(admin, job.body.jobId);
    const files = readdirSync(t.dataDir);
    expect(files).toEqual(expect.arrayContaining(['siliconflow.db', 'siliconflow.db-wal', 'secrets.json']));
    for (const file of files) {
      const bytes = readFileSync(join(t.dataDir, file));
      for (const key of Object.keys(keys)) {
        expect(bytes.includes(Buffer.from(key.slice(3))), `${file} holds ${key.slice(0, 8)}…`).toBe(false);
        expect(bytes.includes(Buffer.from(key.slice(7, 27))), `${file} holds a fragment`).toBe(false);
      }
    }
  });
});
