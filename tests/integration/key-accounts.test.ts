import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';

let t: TestApp;
let admin: Admin;
afterEach(() => t?.close());

const logLines: string[] = [];
const logger = createLogger('info', { write: (line: string) => logLines.push(line) });

async function setup(keys: Record<string, Partial<FakeKeyState>>) {
  logLines.length = 0;
  t = await startTestApp({ keys, logger });
  admin = await signIn(t.app);
  const res = await post('/admin/api/keys', { keys: Object.keys(keys).join('\n') });
  expect(res.status).toBe(201);
  return idsInOrder();
}

const idsInOrder = async () =>
  ((await admin.agent.get('/admin/api/keys?sort=id&pageSize=500')).body.items as { id: number }[]).map((i) => i.id);
const post = (path: string, body: unknown) =>
  admin.agent
    .post(path)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);
const patch = (id: number, body: unknown) =>
  admin.agent
    .patch(`/admin/api/keys/${id}`)
    .set('X-CSRF-Token', admin.csrf)
    .send(body as object);
const checkOne = (id: number) => admin.agent.post(`/admin/api/keys/${id}/check`).set('X-CSRF-Token', admin.csrf);
const accountOf = (id: number) =>
  t.ctx.db.prepare('SELECT account, account_source AS source FROM keys WHERE id = ?').get(id) as {
    account: string | null;
    source: string | null;
  };
const allAccounts = () => t.ctx.db.prepare('SELECT id, account, account_source FROM keys ORDER BY id').all();

describe('a check learns the account from user/info (data.id)', () => {
  it('stores data.id with source user-info, and the list shows it', async () => {
    const [id] = await setup({ [fakeKey(1)]: { account: 'acct-alpha' } });
    const res = await checkOne(id!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ account: 'acct-alpha', accountSource: 'user-info' });
    expect(accountOf(id!)).toEqual({ account: 'acct-alpha', source: 'user-info' });
  });

  it("replaces the admin's account (logged with the masked key only), and a retired user/info leaves it as it is", async () => {
    const [id] = await setup({ [fakeKey(1)]: { account: 'acct-alpha' } });
    expect((await patch(id!, { account: 'typed-by-admin' })).body).toMatchObject({ account: 'typed-by-admin', accountSource: 'admin' });
    await checkOne(id!);
    expect(accountOf(id!)).toEqual({ account: 'acct-alpha', source: 'user-info' });
    const line = logLines.find((l) => l.includes('key account replaced by user/info'));
    expect(JSON.parse(line!)).toMatchObject({ keyId: id, from: 'typed-by-admin', source: 'admin', to: 'acct-alpha' });
    expect(logLines.join('\n')).not.toContain(fakeKey(1).slice(3));

    await patch(id!, { account: 'typed-again' });
    t.fake.setUserInfoMode('gone');
    expect((await checkOne(id!)).body).toMatchObject({ status: 'active', account: 'typed-again', accountSource: 'admin' });
    expect(accountOf(id!)).toEqual({ account: 'typed-again', source: 'admin' });
  });
});

describe('the admin sets the account: PATCH, bulk set-account, the list filter', () => {
  it('PATCH sets a trimmed account (source admin) and null clears it', async () => {
    const [id] = await setup({ [fakeKey(1)]: {} });
    expect((await patch(id!, { account: '  acct-x  ' })).body).toMatchObject({ account: 'acct-x', accountSource: 'admin' });
    expect(accountOf(id!)).toEqual({ account: 'acct-x', source: 'admin' });
    expect((await patch(id!, { account: null })).body).toMatchObject({ account: null, accountSource: null });
    expect(accountOf(id!)).toEqual({ account: null, source: null });
  });

  it.each([
    ['empty', 'invalid-account', '   '],
    ['with a space', 'invalid-account', 'two words'],
    ['65 characters', 'invalid-account', 'a'.repeat(65)],
    ['a control character', 'invalid-account', 'acct\u0007'],
    ['the filter word none', 'invalid-account', 'None'],
    ["the pool's name for an unknown account", 'invalid-account', 'key:2'],
    ['a number', 'invalid-request', 42],
  ])('PATCH refuses an account %s with 400 %s and changes nothing', async (_name, code, account) => {
    const [id] = await setup({ [fakeKey(1)]: {} });
    await patch(id!, { account: 'kept' });
    const res = await patch(id!, { account, note: 'not this either' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code, message: expect.stringContaining('account') });
    expect(accountOf(id!)).toEqual({ account: 'kept', source: 'admin' });
    expect(t.ctx.db.prepare('SELECT note FROM keys WHERE id = ?').pluck().get(id)).toBe('');
  });

  it('bulk set-account sets many keys at once, reports ids that do not exist, and null clears', async () => {
    const ids = await setup({ [fakeKey(1)]: {}, [fakeKey(2)]: {}, [fakeKey(3)]: {} });
    const res = await post('/admin/api/keys/bulk', { action: 'set-account', ids: [ids[0], ids[1], 999], account: 'shared' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'set-account', affected: 2, notFound: [999] });
    expect(allAccounts()).toEqual([
      { id: ids[0], account: 'shared', account_source: 'admin' },
      { id: ids[1], account: 'shared', account_source: 'admin' },
      { id: ids[2], account: null, account_source: null },
    ]);
    await post('/admin/api/keys/bulk', { action: 'set-account', ids: [ids[1]], account: null });
    expect(accountOf(ids[1]!)).toEqual({ account: null, source: null });
  });

  it('bulk set-account refuses a bad account or none given, and changes nothing', async () => {
    const ids = await setup({ [fakeKey(1)]: {}, [fakeKey(2)]: {} });
    const bad = await post('/admin/api/keys/bulk', { action: 'set-account', ids, account: 'has space' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-account');
    const missing = await post('/admin/api/keys/bulk', { action: 'set-account', ids });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'invalid-request', message: expect.stringContaining('account') });
    expect(allAccounts()).toEqual(ids.map((id) => ({ id, account: null, account_source: null })));
  });

  it('GET /admin/api/keys?account= lists one account, none the unknown ones, and refuses a name no account can have', async () => {
    const ids = await setup({ [fakeKey(1)]: {}, [fakeKey(2)]: {}, [fakeKey(3)]: {} });
    await post('/admin/api/keys/bulk', { action: 'set-account', ids: [ids[0], ids[2]], account: 'shared' });
    const shared = await admin.agent.get('/admin/api/keys?account=shared&sort=id');
    expect(shared.body.items.map((k: { id: number }) => k.id)).toEqual([ids[0], ids[2]]);
    const none = await admin.agent.get('/admin/api/keys?account=none');
    expect(none.body.items.map((k: { id: number }) => k.id)).toEqual([ids[1]]);
    const bad = await admin.agent.get('/admin/api/keys?account=two%20words');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid-request', message: expect.stringContaining('account') });
  });
});

describe('GET /admin/api/accounts', () => {
  it('sums each account: keys, usable keys, known balance; the keys with no account as unknown', async () => {
    const ids = await setup({
      [fakeKey(1)]: { account: 'acct-a', balance: '10.00' },
      [fakeKey(2)]: { account: 'acct-a', balance: '0.00', behavior: 'exhausted' },
      [fakeKey(3)]: { balance: '5.00' },
      [fakeKey(4)]: {},
    });
    for (const id of ids.slice(0, 2)) await checkOne(id);
    await patch(ids[2]!, { enabled: false });
    const res = await admin.agent.get('/admin/api/accounts');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accounts: [{ account: 'acct-a', keys: 2, usable: 1, totalBalance: 10, balanceKnown: 2 }],
      unknown: { keys: 2, usable: 1, totalBalance: null, balanceKnown: 0 },
    });
  });
});

describe('import with accounts', () => {
  const lines = [
    `${fakeKey(1)}----14----acct-seller`,
    `${fakeKey(2)} account=acct-marked`,
    `${fakeKey(3)},2.5,account=acct-both`,
    fakeKey(4),
  ];

  it('the preview shows each account and counts them; nothing is stored', async () => {
    await setup({ [fakeKey(9)]: {} });
    const res = await post('/admin/api/keys/preview', { keys: [...lines, `${fakeKey(5)} account=bad\u0007name`].join('\n') });
    expect(res.status).toBe(200);
    expect(res.body.keys.map((k: { account: string | null; gift: number | null }) => [k.account, k.gift])).toEqual([
      ['acct-seller', 14],
      ['acct-marked', null],
      ['acct-both', 2.5],
      [null, null],
      [null, null],
    ]);
    expect(res.body).toMatchObject({ added: 5, withAccount: 3, badAccounts: 1 });
    expect(allAccounts()).toHaveLength(1);
  });

  it('stores the accounts with source import; a stored key keeps its account unless the line names one', async () => {
    const [stored, other] = await setup({ [fakeKey(1)]: {}, [fakeKey(4)]: {} });
    await patch(stored!, { account: 'old' });
    await patch(other!, { account: 'stays' });
    const res = await post('/admin/api/keys', { keys: lines.join('\n') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ added: 2, duplicates: 2, accountsSet: 3, badAccounts: 0, balancesSet: 1 });
    const rows = t.ctx.db.prepare('SELECT account, account_source AS source FROM keys ORDER BY id').all();
    expect(rows).toEqual([
      { account: 'acct-seller', source: 'import' },
      { account: 'stays', source: 'admin' },
      { account: 'acct-marked', source: 'import' },
      { account: 'acct-both', source: 'import' },
    ]);
  });

  it('the CSV export re-imports with its accounts (the account column), after the keys were deleted', async () => {
    const ids = await setup({ [fakeKey(1)]: {}, [fakeKey(2)]: {} });
    await patch(ids[0]!, { account: '-dash@example.com' });
    const csv = (await admin.agent.get('/admin/api/keys/export?format=csv')).text;
    expect(csv.split('\r\n')[0]).toMatch(/,account$/);
    await post('/admin/api/keys/bulk', { action: 'delete', ids });
    const res = await post('/admin/api/keys', { keys: csv });
    expect(res.body).toMatchObject({ added: 2, accountsSet: 1 });
    expect(t.ctx.db.prepare('SELECT account FROM keys ORDER BY id').pluck().all()).toEqual(['-dash@example.com', null]);
  });
});

describe('the JSON export imports back with its accounts', () => {
  it('keys, accounts and balances come back after the keys were deleted', async () => {
    const ids = await setup({ [fakeKey(1)]: {}, [fakeKey(2)]: {} });
    await patch(ids[1]!, { account: 'acct-json' });
    await admin.agent.put(`/admin/api/keys/${ids[1]}/balance`).set('X-CSRF-Token', admin.csrf).send({ gift: '1.50', paid: '2' });
    const json = (await admin.agent.get('/admin/api/keys/export?format=json').buffer(true)).text;
    await post('/admin/api/keys/bulk', { action: 'delete', ids });
    const res = await post('/admin/api/keys', { keys: json });
    expect(res.body).toMatchObject({ added: 2, accountsSet: 1, balancesSet: 1 });
    const rows = t.ctx.db.prepare('SELECT account, anchor_gift_nano AS gift, anchor_paid_nano AS paid FROM keys ORDER BY id').all();
    expect(rows).toEqual([
      { account: null, gift: null, paid: null },
      { account: 'acct-json', gift: 1_500_000_000, paid: 2_000_000_000 },
    ]);
  });
});

describe('the pool follows an account change at once', () => {
  let p: Proxy;
  const MODEL = 'deepseek-ai/DeepSeek-V3';
  const chat = () => p.call('/v1/chat/completions', { json: { model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] } });
  const servedBy = () => t.fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.key);

  it('keys set to an account that may not serve the model are passed over; clearing it brings the key back', async () => {
    p = await startProxy([
      [fakeKey(1), {}],
      [fakeKey(2), {}],
      [fakeKey(3), {}],
    ]);
    t = p; // closed by the afterEach above
    admin = await signIn(p.app);
    // What cooling or a local budget would say: the account "busy" may not serve MODEL for a minute.
    p.ctx.pool.useBlocks([{ blockedUntil: (account, model, now) => (account === 'busy' && model === MODEL ? now + 60_000 : 0) }]);
    await post('/admin/api/keys/bulk', { action: 'set-account', ids: [p.ids[0], p.ids[1]], account: 'busy' });
    for (let i = 0; i < 4; i++) expect((await chat()).status).toBe(200);
    expect(new Set(servedBy())).toEqual(new Set([fakeKey(3)]));

    await patch(p.ids[2]!, { account: 'busy' });
    const blocked = await chat();
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    t.fake.clearRequests();
    await patch(p.ids[0]!, { account: null });
    expect((await chat()).status).toBe(200);
    expect(servedBy()).toEqual([fakeKey(1)]);
  });
});
