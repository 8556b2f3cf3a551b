import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';

/** The admin API of client keys and the public lookup (issue 12): validation, the key shown once, usage, the limits. */
let t: TestApp;
let admin: Admin;
beforeEach(async () => {
  t = await startTestApp({ keys: { [fakeKey(0)]: {} } });
  t.ctx.keys.import(fakeKey(0));
  admin = await signIn(t.app);
});
afterEach(() => t.close());

const post = (path: string, body: unknown) =>
  admin.agent
    .post(`/admin/api${path}`)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);
const patch = (path: string, body: unknown) =>
  admin.agent
    .patch(`/admin/api${path}`)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);
const chatAs = (key: string) =>
  request(t.app)
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${key}`)
    .send({ model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'hi' }] });

describe('POST /admin/api/clients', () => {
  it('creates a client with its limits and answers the key once; no list or page shows it again', async () => {
    const res = await post('/clients', {
      name: 'Alice',
      note: 'laptop',
      models: ['Qwen/*'],
      freeOnly: true,
      budgets: { day: '0.50', month: 10, total: null },
      rpm: 30,
      maxConcurrent: 2,
      allowedIps: ['192.168.0.0/16'],
      expiresAt: '2030-01-01T00:00:00+08:00',
    });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { key, client } = res.body;
    expect(key).toMatch(/^sfm-[A-Za-z0-9_-]{40}$/);
    expect(client).toMatchObject({
      kind: 'client',
      name: 'Alice',
      status: 'active',
      maskedKey: `${key.slice(0, 8)}…${key.slice(-4)}`,
      budgets: { day: '0.5', month: '10', total: null },
      remaining: { day: { yuan: '0.5', kind: 'exact', limit: '0.5' }, month: { yuan: '10' }, total: null },
      expiresAt: '2029-12-31T16:00:00.000Z',
      usage: { today: { requests: 0, tokens: 0, spent: { yuan: '0', kind: 'exact' } } },
    });
    for (const path of ['/clients', `/clients/${client.id}`, '/clients?deleted=true']) {
      const text = (await admin.agent.get(`/admin/api${path}`)).text;
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(8, -4));
    }
    const row = t.ctx.db.prepare('SELECT key_hash, masked FROM clients WHERE id = ?').get(client.id) as {
      key_hash: string;
      masked: string;
    };
    expect(row.key_hash).not.toContain(key.slice(4));
    expect(row.masked).toBe(client.maskedKey);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', budgets: { day: '-1' } }, 'budgets.day'],
    [{ name: 'x', budgets: { day: '0.1234567891' } }, 'budgets.day'],
    [{ name: 'x', budgets: { week: '1' } }, 'budgets'],
    [{ name: 'x', models: ['Qwen*'] }, 'models.0'],
    [{ name: 'x', models: ['a/*/b'] }, 'models.0'],
    [{ name: 'x', allowedIps: ['10.0.0.0/33'] }, 'allowedIps.0'],
    [{ name: 'x', allowedIps: ['example.com'] }, 'allowedIps.0'],
    [{ name: 'x', rpm: 0 }, 'rpm'],
    [{ name: 'x', maxConcurrent: 1.5 }, 'maxConcurrent'],
    [{ name: 'x', expiresAt: '2030-01-01' }, 'expiresAt'],
    [{ name: 'x', colour: 'red' }, 'colour'],
  ])('refuses %j with 400 invalid-request naming %s', async (body, field) => {
    const res = await post('/clients', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message.startsWith(field)).toBe(true);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM clients').pluck().get()).toBe(1);
  });

  it('needs the CSRF token and a session', async () => {
    expect((await admin.agent.post('/admin/api/clients').send({ name: 'x' })).body.error.code).toBe('csrf-token-invalid');
    expect((await request(t.app).get('/admin/api/clients')).status).toBe(401);
  });
});

describe('the list, changes, rotation and deletion', () => {
  it('lists the default client (the admin key, unlimited) first, with usage today / this month', async () => {
    const { key, client } = (await post('/clients', { name: 'Bob' })).body;
    expect((await chatAs(key)).status).toBe(200);
    expect((await chatAs(t.ctx.accessKey.current().key)).status).toBe(200);
    const { items } = (await admin.agent.get('/admin/api/clients')).body;
    expect(items.map((c: { id: number; kind: string }) => [c.id, c.kind])).toEqual([
      [0, 'default'],
      [client.id, 'client'],
    ]);
    expect(items[0]).toMatchObject({ name: 'default', budgets: { day: null }, usage: { today: { requests: 1 } } });
    const bob = items[1];
    expect(bob.usage.today.requests).toBe(1);
    expect(bob.usage.thisMonth.tokens).toBeGreaterThan(0);
    expect(bob.usage.today.spent.kind).toBe('estimated');
    expect(Number(bob.usage.today.spent.yuan)).toBeGreaterThan(0);
  });

  it('PATCH changes only the given fields (budgets per period); the default client is fixed', async () => {
    const { client } = (await post('/clients', { name: 'C', budgets: { day: '1', month: '5' } })).body;
    const res = await patch(`/clients/${client.id}`, { budgets: { day: null }, note: 'n' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ note: 'n', name: 'C', budgets: { day: null, month: '5' } });
    expect((await patch(`/clients/${client.id}`, {})).body.error.code).toBe('invalid-request');
    expect((await patch('/clients/0', { rpm: 1 })).body.error.code).toBe('default-client-fixed');
    expect((await patch('/clients/999', { rpm: 1 })).status).toBe(404);
  });

  it('rotate answers a new key once, and the old one stops at once; rotating the default client rotates the access key', async () => {
    const { key, client } = (await post('/clients', { name: 'D' })).body;
    const rotated = await post(`/clients/${client.id}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).not.toBe(key);
    expect((await chatAs(key)).status).toBe(401);
    expect((await chatAs(rotated.body.key)).status).toBe(200);
    const before = t.ctx.accessKey.current().key;
    const admins = await post('/clients/0/rotate', {});
    expect(admins.body.key).toBe(t.ctx.accessKey.current().key);
    expect(admins.body.key).not.toBe(before);
    expect((await chatAs(before)).status).toBe(401);
  });

  it('DELETE keeps the row as deleted: hidden from the list unless asked, its usage still readable', async () => {
    const { key, client } = (await post('/clients', { name: 'E' })).body;
    await chatAs(key);
    const res = await admin.agent.delete(`/admin/api/clients/${client.id}`).set('X-CSRF-Token', admin.csrf);
    expect(res.body).toMatchObject({ status: 'deleted', enabled: false });
    expect((await chatAs(key)).status).toBe(401);
    expect((await admin.agent.get('/admin/api/clients')).body.items).toHaveLength(1);
    expect((await admin.agent.get('/admin/api/clients?deleted=true')).body.items).toHaveLength(2);
    expect((await patch(`/clients/${client.id}`, { rpm: 1 })).body.error.code).toBe('client-deleted');
    expect(t.ctx.db.prepare('SELECT key_hash FROM clients WHERE id = ?').pluck().get(client.id)).toBeNull();
    t.ctx.flush();
    const usage = await admin.agent.get(`/admin/api/clients/${client.id}/usage?groupBy=model`);
    expect(usage.body.rows).toMatchObject([{ group: 'deepseek-ai/DeepSeek-V3', requests: 1 }]);
  });
});

describe('usage and the spend views by client', () => {
  it('GET /clients/:id/usage by day, hour or model; /spend filters and groups by client', async () => {
    const a = (await post('/clients', { name: 'A' })).body;
    const b = (await post('/clients', { name: 'B' })).body;
    await chatAs(a.key);
    await chatAs(a.key);
    await chatAs(b.key);
    t.ctx.flush();
    const byDay = await admin.agent.get(`/admin/api/clients/${a.client.id}/usage?groupBy=day`);
    expect(byDay.status).toBe(200);
    expect(byDay.body.totals.requests).toBe(2);
    expect(byDay.body.client.name).toBe('A');
    expect((await admin.agent.get(`/admin/api/clients/${a.client.id}/usage?groupBy=key`)).body.error.message).toMatch(/^groupBy/);
    const grouped = await admin.agent.get('/admin/api/spend?groupBy=client');
    expect(grouped.body.rows.map((r: { group: number; clientName: string; requests: number }) => [r.clientName, r.requests])).toEqual(
      expect.arrayContaining([
        ['A', 2],
        ['B', 1],
      ]),
    );
    expect((await admin.agent.get(`/admin/api/spend?clientId=${b.client.id}`)).body.totals.requests).toBe(1);
    expect((await admin.agent.get(`/admin/api/logs?clientId=${b.client.id}`)).body.items).toHaveLength(1);
  });
});

describe('POST /api/client-key/lookup', () => {
  const lookup = (key: unknown, ip = '198.51.100.1') =>
    request(t.app).post('/api/client-key/lookup').set('X-Forwarded-For', ip).send({ key });

  it("shows the key's own usage, budgets left, models and expiry, and nothing of the pool", async () => {
    const { key } = (await post('/clients', { name: 'Guest', freeOnly: true, models: ['Qwen/*'], budgets: { day: '1' } })).body;
    const res = await lookup(key);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(
      ['expiresAt', 'freeOnly', 'maskedKey', 'maxConcurrent', 'models', 'name', 'remaining', 'rpm', 'status', 'usage'].sort(),
    );
    expect(res.body).toMatchObject({ name: 'Guest', models: ['Qwen/*'], freeOnly: true, remaining: { day: { yuan: '1' } } });
    expect(res.text).not.toContain('sk-');
  });

  it('404 unknown-client-key for an unknown key, the admin key, and a rotated one; 400 without a key', async () => {
    const { key, client } = (await post('/clients', { name: 'G' })).body;
    await post(`/clients/${client.id}/rotate`, {});
    for (const k of ['sfm-nope', t.ctx.accessKey.current().key, key]) {
      const res = await lookup(k);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('unknown-client-key');
    }
    expect((await lookup(undefined)).body.error.code).toBe('invalid-request');
  });

  it('is rate-limited per address: 30 lookups per 10 minutes', async () => {
    for (let i = 0; i < 30; i++) expect((await lookup('sfm-guess-' + i)).status).toBe(404);
    const limited = await lookup('sfm-guess-last');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too-many-lookups');
  });
});
