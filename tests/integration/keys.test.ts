import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Admin;
beforeEach(async () => {
  t = await startTestApp();
  admin = await signIn(t.app);
});
afterEach(() => t.close());

const importKeys = (keys: string, check?: boolean) =>
  admin.agent.post('/admin/api/keys').set('X-CSRF-Token', admin.csrf).send({ keys, check });
const list = (query = '') => admin.agent.get(`/admin/api/keys${query}`);
const countRows = () => t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get();

describe('POST /admin/api/keys (import)', () => {
  it('pulls every key out of messy pasted text and reports added, duplicates and invalid', async () => {
    const [a, b, c, d] = [fakeKey(1), fakeKey(2), fakeKey(3), fakeKey(4)];
    const pasted = `Here are my keys:\n${a}\n"${b}", '${c}'\n${a} (again)\nsk-tooshort and ${d}; thanks`;
    const res = await importKeys(pasted);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      added: 4,
      duplicates: 1,
      invalid: 1,
      unusual: 0,
      balancesSet: 0,
      balancesSkipped: 0,
      accountsSet: 0,
      badAccounts: 0,
      jobId: null,
    });
    expect(countRows()).toBe(4);
  });

  it('de-duplicates against the store: a second paste of the same keys adds nothing', async () => {
    await importKeys(`${fakeKey(1)}\n${fakeKey(2)}`);
    const res = await importKeys(`${fakeKey(2)} ${fakeKey(1)} ${fakeKey(3)}`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ added: 1, duplicates: 2 });
    const again = await importKeys(fakeKey(3));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ added: 0, duplicates: 1 });
    expect(countRows()).toBe(3);
  });

  it('answers 400 no-keys-found when the text holds no sk- token, and 400 when keys is not a string', async () => {
    const none = await importKeys('hello world');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('no-keys-found');
    const wrong = await admin.agent.post('/admin/api/keys').set('X-CSRF-Token', admin.csrf).send({ keys: 42 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid-request');
    expect(countRows()).toBe(0);
  });

  it('stores keys as new, unchecked and enabled, with unknown balances', async () => {
    await importKeys(fakeKey(1));
    const item = (await list()).body.items[0];
    expect(item).toMatchObject({
      status: 'active',
      enabled: true,
      note: '',
      giftBalance: null,
      chargeBalance: null,
      totalBalance: null,
      lastCheckedAt: null,
      lastError: null,
      usageCount: 0,
    });
  });
});

describe('GET /admin/api/keys (list)', () => {
  beforeEach(async () => {
    await importKeys(Array.from({ length: 25 }, (_, i) => fakeKey(i)).join('\n'));
  });

  it('shows masked keys only, never a full key, with the documented fields', async () => {
    const res = await list('?pageSize=100');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 25, page: 1, pageSize: 100 });
    const text = JSON.stringify(res.body);
    for (let i = 0; i < 25; i++) expect(text).not.toContain(fakeKey(i).slice(3, 20));
    const key = fakeKey(0);
    const item = res.body.items.find((x: { maskedKey: string }) => x.maskedKey === `sk-${key.slice(3, 7)}…${key.slice(-4)}`);
    expect(Object.keys(item).sort()).toEqual(
      [
        'account',
        'accountSource',
        'balanceAt',
        'balanceKind',
        'balanceSource',
        'chargeBalance',
        'cooling',
        'createdAt',
        'enabled',
        'failureCount',
        'giftBalance',
        'id',
        'lastCheckedAt',
        'lastError',
        'lastUsedAt',
        'maskedKey',
        'note',
        'status',
        'totalBalance',
        'usageCount',
      ].sort(),
    );
  });

  it('pages through the pool', async () => {
    const p1 = await list('?page=1&pageSize=10&sort=id');
    const p3 = await list('?page=3&pageSize=10&sort=id');
    expect(p1.body.items).toHaveLength(10);
    expect(p3.body.items).toHaveLength(5);
    expect(p3.body.items[0].id).toBe(p1.body.items[0].id + 20);
  });

  it('filters by status, searches notes, and finds a key by its full text', async () => {
    const first = (await list('?sort=id&pageSize=1')).body.items[0];
    await admin.agent.patch(`/admin/api/keys/${first.id}`).set('X-CSRF-Token', admin.csrf).send({ note: 'team 100% A_B', enabled: false });
    expect((await list('?status=disabled')).body.items.map((x: { id: number }) => x.id)).toEqual([first.id]);
    expect((await list('?status=active')).body.total).toBe(24);
    expect((await list('?q=100%25%20A_B')).body.items.map((x: { id: number }) => x.id)).toEqual([first.id]);
    // % and _ are literal text, not LIKE wildcards
    expect((await list('?q=A%25B')).body.total).toBe(0);
    expect((await list('?q=100_')).body.total).toBe(0);
    expect((await list(`?q=${fakeKey(0)}`)).body.items.map((x: { id: number }) => x.id)).toEqual([first.id]);
  });

  it.each([
    ['?page=0', 'page'],
    ['?pageSize=501', 'pageSize'],
    ['?status=sleeping', 'status'],
    ['?sort=key', 'sort'],
  ])('rejects %s with 400 naming %s', async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toMatch(new RegExp(`^${field}:`));
  });
});

describe('editing and deleting keys', () => {
  let ids: number[];
  beforeEach(async () => {
    await importKeys([1, 2, 3].map(fakeKey).join('\n'));
    ids = (await list('?sort=id')).body.items.map((x: { id: number }) => x.id);
  });

  it('PATCH changes the note and the enabled switch; a disabled key shows status "disabled"', async () => {
    const res = await admin.agent
      .patch(`/admin/api/keys/${ids[0]}`)
      .set('X-CSRF-Token', admin.csrf)
      .send({ enabled: false, note: 'spare' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ids[0], enabled: false, status: 'disabled', note: 'spare' });
    expect(t.ctx.db.prepare('SELECT enabled, note, status FROM keys WHERE id = ?').get(ids[0])).toEqual({
      enabled: 0,
      note: 'spare',
      status: 'active',
    });
    const back = await admin.agent.patch(`/admin/api/keys/${ids[0]}`).set('X-CSRF-Token', admin.csrf).send({ enabled: true });
    expect(back.body).toMatchObject({ status: 'active', note: 'spare' });
  });

  it('PATCH rejects unknown fields, empty bodies and missing keys', async () => {
    const unknown = await admin.agent.patch(`/admin/api/keys/${ids[0]}`).set('X-CSRF-Token', admin.csrf).send({ status: 'active' });
    expect(unknown.status).toBe(400);
    const empty = await admin.agent.patch(`/admin/api/keys/${ids[0]}`).set('X-CSRF-Token', admin.csrf).send({});
    expect(empty.status).toBe(400);
    const missing = await admin.agent.patch('/admin/api/keys/99999').set('X-CSRF-Token', admin.csrf).send({ note: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('key-not-found');
    const badId = await admin.agent.patch('/admin/api/keys/abc').set('X-CSRF-Token', admin.csrf).send({ note: 'x' });
    expect(badId.status).toBe(400);
  });

  it('DELETE removes one key; a second DELETE is 404', async () => {
    expect((await admin.agent.delete(`/admin/api/keys/${ids[1]}`).set('X-CSRF-Token', admin.csrf)).status).toBe(204);
    expect(countRows()).toBe(2);
    const again = await admin.agent.delete(`/admin/api/keys/${ids[1]}`).set('X-CSRF-Token', admin.csrf);
    expect(again.status).toBe(404);
  });

  it('bulk enable/disable/delete act on existing ids and report the missing ones', async () => {
    const bulk = (action: string, bulkIds: number[]) =>
      admin.agent.post('/admin/api/keys/bulk').set('X-CSRF-Token', admin.csrf).send({ action, ids: bulkIds });
    const disabled = await bulk('disable', [ids[0]!, ids[1]!, 4242]);
    expect(disabled.body).toEqual({ action: 'disable', affected: 2, notFound: [4242] });
    expect((await list('?status=disabled')).body.total).toBe(2);
    expect((await bulk('enable', [ids[0]!])).body.affected).toBe(1);
    expect((await bulk('delete', [ids[0]!, ids[2]!])).body.affected).toBe(2);
    expect(t.ctx.db.prepare('SELECT id FROM keys').pluck().all()).toEqual([ids[1]]);
    const bad = await bulk('explode', [ids[1]!]);
    expect(bad.status).toBe(400);
    expect((await bulk('delete', [])).status).toBe(400);
  });
});

describe('bulk actions at scale', () => {
  // Issue 9, item 10: more than 32,766 ids went into one SQL IN list, past SQLite's parameter limit: a 500.
  it('disable and delete with 100,000 ids, 40,000 of them real', { timeout: 60_000 }, async () => {
    const { addedIds } = t.ctx.keys.import(Array.from({ length: 40_000 }, (_, i) => fakeKey(i)).join('\n'));
    const ids = [...addedIds, ...Array.from({ length: 60_000 }, (_, i) => 1_000_000 + i)];
    const bulk = (action: string) => admin.agent.post('/admin/api/keys/bulk').set('X-CSRF-Token', admin.csrf).send({ action, ids });
    const disabled = await bulk('disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body.affected).toBe(40_000);
    expect(disabled.body.notFound).toHaveLength(60_000);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys WHERE enabled = 0').pluck().get()).toBe(40_000);
    expect(t.ctx.pool.counts().disabled).toBe(40_000);
    const deleted = await bulk('delete');
    expect(deleted.body).toMatchObject({ action: 'delete', affected: 40_000 });
    expect(countRows()).toBe(0);
    expect(t.ctx.pool.size).toBe(0);
  });
});

describe('GET /admin/api/keys/export', () => {
  beforeEach(async () => {
    await importKeys([1, 2, 3].map(fakeKey).join('\n'));
    const first = (await list('?sort=id')).body.items[0];
    await admin.agent.patch(`/admin/api/keys/${first.id}`).set('X-CSRF-Token', admin.csrf).send({ enabled: false, note: '=cmd, "quoted"' });
  });

  it('txt: the full keys, one a line, as a download', async () => {
    const res = await admin.agent.get('/admin/api/keys/export?format=txt');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?siliconflow-keys-\d{4}-\d{2}-\d{2}\.txt"?$/);
    expect(res.text.trim().split('\n').sort()).toEqual([1, 2, 3].map(fakeKey).sort());
  });

  it('csv: a header and quoted fields; a note that looks like a formula is defused', async () => {
    const res = await admin.agent.get('/admin/api/keys/export?format=csv&status=disabled');
    expect(res.status).toBe(200);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,key,status,note,giftBalance,chargeBalance,totalBalance,lastCheckedAt,createdAt,account');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`,${fakeKey(1)},disabled,"'=cmd, ""quoted""",`);
  });

  it('json: full keys with their fields, honouring the status filter', async () => {
    const res = await admin.agent.get('/admin/api/keys/export?format=json&status=active').buffer(true);
    const body = JSON.parse(res.text);
    expect(body.map((k: { key: string }) => k.key).sort()).toEqual([fakeKey(2), fakeKey(3)].sort());
    expect(body[0]).toMatchObject({ status: 'active', maskedKey: expect.any(String) });
  });

  it('is for the admin only and rejects an unknown format', async () => {
    const anon = await (await import('supertest')).default(t.app).get('/admin/api/keys/export');
    expect(anon.status).toBe(401);
    expect(anon.text).not.toContain(fakeKey(1));
    const bad = await admin.agent.get('/admin/api/keys/export?format=xlsx');
    expect(bad.status).toBe(400);
  });
});

describe('GET /admin/api/stats', () => {
  it('counts keys by status (zeros included); with no balance known the sums are null, not 0', async () => {
    await importKeys([1, 2].map(fakeKey).join('\n'));
    const id = (await list('?sort=id')).body.items[0].id;
    await admin.agent.patch(`/admin/api/keys/${id}`).set('X-CSRF-Token', admin.csrf).send({ enabled: false });
    const res = await admin.agent.get('/admin/api/stats');
    expect(res.status).toBe(200);
    // Since issue 13 cooling is no status: it is per account × model, counted apart (`cooling`).
    expect(res.body.keys).toEqual({ total: 2, byStatus: { active: 1, exhausted: 0, invalid: 0, error: 0, disabled: 1 }, cooling: 0 });
    expect(res.body.balance).toEqual({ gift: null, charge: null, total: null, usable: null, knownBalanceKeys: 0, unknownBalanceKeys: 2 });
  });
});
