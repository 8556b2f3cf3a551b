import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Admin;
beforeEach(async () => {
  t = await startTestApp();
  admin = await signIn(t.app);
});
afterEach(() => t.close());

const YUAN = 1_000_000_000;
const withCsrf = <T extends { set(name: string, value: string): T }>(req: T) => req.set('X-CSRF-Token', admin.csrf);
const setBalance = (id: number | string, body: object) => withCsrf(admin.agent.put(`/admin/api/keys/${id}/balance`)).send(body);
const topUp = (id: number | string, body: object) => withCsrf(admin.agent.post(`/admin/api/keys/${id}/top-up`)).send(body);
const bulk = (body: object) => withCsrf(admin.agent.post('/admin/api/keys/bulk')).send(body);
const importKeys = (body: object) => withCsrf(admin.agent.post('/admin/api/keys')).send(body);
const preview = (keys: string) => withCsrf(admin.agent.post('/admin/api/keys/preview')).send({ keys });

type MoneyRow = {
  anchor_gift_nano: number | null;
  anchor_paid_nano: number | null;
  anchor_source: string | null;
  anchor_at: number | null;
  spent_gift_nano: number;
  spent_paid_nano: number;
  spent_unsplit_nano: number;
  lacks_paid: number;
  lacks_paid_at: number | null;
};
const money = (id: number) =>
  t.ctx.db
    .prepare(
      `SELECT anchor_gift_nano, anchor_paid_nano, anchor_source, anchor_at, spent_gift_nano, spent_paid_nano,
              spent_unsplit_nano, lacks_paid, lacks_paid_at FROM keys WHERE id = ?`,
    )
    .get(id) as MoneyRow;
const anchorOf = (id: number) => {
  const m = money(id);
  return { gift: m.anchor_gift_nano, paid: m.anchor_paid_nano, source: m.anchor_source };
};
/** What the proxy's metering will write: an anchor and the spend since it, set directly. */
const writeMoney = (id: number, m: Partial<MoneyRow>) => {
  const columns = Object.keys(m);
  t.ctx.db.prepare(`UPDATE keys SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...m, id });
};
const addKeys = (n: number, from = 1) => t.ctx.keys.import(Array.from({ length: n }, (_, i) => fakeKey(from + i)).join('\n')).addedIds;
/** A key's id, found as the admin's search finds a full key (by its hash). */
const idOf = (n: number) => t.ctx.keys.list({ q: fakeKey(n), page: 1, pageSize: 1, sort: 'id' }).items[0]!.id;
const countRows = () => t.ctx.db.prepare('SELECT COUNT(*) FROM keys').pluck().get();

describe('PUT /admin/api/keys/:id/balance', () => {
  it('sets gift and paid as a new anchor from the admin, yuan as strings or numbers, stored in nano-yuan', async () => {
    const [id] = addKeys(1);
    writeMoney(id!, { anchor_gift_nano: 5 * YUAN, anchor_paid_nano: 0, anchor_source: 'import', anchor_at: 1, spent_gift_nano: YUAN });
    const res = await setBalance(id!, { gift: '14.00', paid: 0.88 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      giftBalance: 14,
      chargeBalance: 0.88,
      totalBalance: 14.88,
      balanceKind: 'estimated',
      balanceSource: 'admin',
    });
    expect(money(id!)).toMatchObject({
      anchor_gift_nano: 14 * YUAN,
      anchor_paid_nano: 880_000_000,
      anchor_source: 'admin',
      spent_gift_nano: 0,
      spent_paid_nano: 0,
      spent_unsplit_nano: 0,
    });
    expect(money(id!).anchor_at).toBeGreaterThan(1);
    expect(JSON.stringify(res.body)).not.toContain(fakeKey(1).slice(3));
  });

  it('a credit left out keeps its estimate (the anchor minus what was spent since); unknown stays unknown', async () => {
    const [a, b] = addKeys(2);
    writeMoney(a!, {
      anchor_gift_nano: 2 * YUAN,
      anchor_paid_nano: 50 * YUAN,
      anchor_source: 'user-info',
      anchor_at: 1,
      spent_paid_nano: 10 * YUAN,
    });
    expect((await setBalance(a!, { gift: '14' })).body).toMatchObject({ giftBalance: 14, chargeBalance: 40 });
    expect(anchorOf(a!)).toEqual({ gift: 14 * YUAN, paid: 40 * YUAN, source: 'admin' });
    expect((await setBalance(b!, { paid: '3' })).body).toMatchObject({ giftBalance: null, chargeBalance: 3, totalBalance: null });
    expect(anchorOf(b!)).toEqual({ gift: null, paid: 3 * YUAN, source: 'admin' });
  });

  it('accepts a negative balance (SiliconFlow lets the last call overdraw)', async () => {
    const [id] = addKeys(1);
    expect((await setBalance(id!, { gift: '-0.01', paid: '0' })).body).toMatchObject({ totalBalance: -0.01 });
    expect(anchorOf(id!)).toEqual({ gift: -10_000_000, paid: 0, source: 'admin' });
  });

  it('paid credit above 0 ends "lacks paid credit" at once; paid 0 leaves it', async () => {
    const [a, b] = addKeys(2);
    for (const id of [a!, b!]) writeMoney(id, { lacks_paid: 1, lacks_paid_at: 1 });
    await setBalance(a!, { paid: '0' });
    expect(money(a!)).toMatchObject({ lacks_paid: 1, lacks_paid_at: 1 });
    await setBalance(b!, { paid: '5' });
    expect(money(b!)).toMatchObject({ lacks_paid: 0, lacks_paid_at: null });
  });

  it.each([
    [{}, /give gift and\/or paid/],
    [{ gift: 'fourteen' }, /^gift: must be yuan/],
    [{ gift: 1e-10 }, /^gift: must be yuan/],
    [{ paid: 0.1 + 0.2 }, /^paid: must be yuan/],
    [{ gift: '2000000' }, /^gift: .*within ±1,000,000/],
    [{ gift: true }, /^gift: must be yuan/],
    [{ gift: '1', total: '2' }, /total/],
  ])('refuses %j with 400 invalid-request, leaving the anchor alone', async (body, message) => {
    const [id] = addKeys(1);
    const res = await setBalance(id!, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toMatch(message);
    expect(anchorOf(id!)).toEqual({ gift: null, paid: null, source: null });
  });

  it('is 404 key-not-found for a missing key, 400 for a bad id, 403 without the CSRF token', async () => {
    const missing = await setBalance(99999, { gift: '1' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('key-not-found');
    expect((await setBalance('abc', { gift: '1' })).status).toBe(400);
    const [id] = addKeys(1);
    const noCsrf = await admin.agent.put(`/admin/api/keys/${id}/balance`).send({ gift: '1' });
    expect(noCsrf.status).toBe(403);
    expect(anchorOf(id!).source).toBeNull();
  });
});

describe('POST /admin/api/keys/:id/top-up', () => {
  it('adds the amount to the paid estimate as a new anchor from the top-up, and ends "lacks paid credit"', async () => {
    const [id] = addKeys(1);
    writeMoney(id!, {
      anchor_gift_nano: 14 * YUAN,
      anchor_paid_nano: 0,
      anchor_source: 'signal',
      anchor_at: 1,
      spent_gift_nano: 4 * YUAN,
      lacks_paid: 1,
      lacks_paid_at: 1,
    });
    const res = await topUp(id!, { amount: '100' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ giftBalance: 10, chargeBalance: 100, totalBalance: 110, balanceSource: 'top-up' });
    expect(money(id!)).toMatchObject({
      anchor_gift_nano: 10 * YUAN,
      anchor_paid_nano: 100 * YUAN,
      anchor_source: 'top-up',
      spent_gift_nano: 0,
      lacks_paid: 0,
      lacks_paid_at: null,
    });
  });

  it('on a key whose money is unknown: the paid credit is the amount, the gift credit stays unknown', async () => {
    const [id] = addKeys(1);
    expect((await topUp(id!, { amount: 50 })).body).toMatchObject({ giftBalance: null, chargeBalance: 50 });
    expect(anchorOf(id!)).toEqual({ gift: null, paid: 50 * YUAN, source: 'top-up' });
  });

  it.each([[{ amount: '0' }], [{ amount: -5 }], [{}], [{ amount: '10', note: 'x' }]])('refuses %j with 400', async (body) => {
    const [id] = addKeys(1);
    const res = await topUp(id!, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(anchorOf(id!).source).toBeNull();
  });

  it('is 404 key-not-found for a missing key', async () => {
    const res = await topUp(4242, { amount: '1' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('key-not-found');
  });
});

describe('POST /admin/api/keys/bulk: set-balance and top-up', () => {
  it('set-balance anchors every existing key and reports the missing ids', async () => {
    const ids = addKeys(3);
    const res = await bulk({ action: 'set-balance', ids: [...ids, 4242], gift: '14', paid: '0' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'set-balance', affected: 3, notFound: [4242] });
    for (const id of ids) expect(anchorOf(id)).toEqual({ gift: 14 * YUAN, paid: 0, source: 'admin' });
  });

  it('set-balance with one credit: each key keeps its own estimate of the other', async () => {
    const ids = addKeys(3);
    writeMoney(ids[0]!, {
      anchor_gift_nano: 0,
      anchor_paid_nano: 20 * YUAN,
      anchor_source: 'user-info',
      anchor_at: 1,
      spent_paid_nano: 5 * YUAN,
    });
    writeMoney(ids[1]!, { anchor_gift_nano: 0, anchor_paid_nano: 7 * YUAN, anchor_source: 'admin', anchor_at: 1 });
    const res = await bulk({ action: 'set-balance', ids, gift: 1 });
    expect(res.body).toEqual({ action: 'set-balance', affected: 3, notFound: [] });
    expect(ids.map(anchorOf)).toEqual([
      { gift: YUAN, paid: 15 * YUAN, source: 'admin' },
      { gift: YUAN, paid: 7 * YUAN, source: 'admin' },
      { gift: YUAN, paid: null, source: 'admin' },
    ]);
  });

  it('top-up records the amount on every existing key and ends "lacks paid credit"', async () => {
    const ids = addKeys(2);
    writeMoney(ids[0]!, {
      anchor_gift_nano: 0,
      anchor_paid_nano: 0,
      anchor_source: 'signal',
      anchor_at: 1,
      lacks_paid: 1,
      lacks_paid_at: 1,
    });
    const res = await bulk({ action: 'top-up', ids: [...ids, 77], amount: '10' });
    expect(res.body).toEqual({ action: 'top-up', affected: 2, notFound: [77] });
    expect(anchorOf(ids[0]!)).toEqual({ gift: 0, paid: 10 * YUAN, source: 'top-up' });
    expect(anchorOf(ids[1]!)).toEqual({ gift: null, paid: 10 * YUAN, source: 'top-up' });
    expect(money(ids[0]!).lacks_paid).toBe(0);
  });

  it.each([
    [{ action: 'set-balance', ids: [1] }, /give gift and\/or paid/],
    [{ action: 'set-balance', ids: [1], gift: 'x' }, /^gift: /],
    [{ action: 'set-balance', ids: [], gift: '1' }, /^ids: /],
    [{ action: 'top-up', ids: [1] }, /^amount: /],
    [{ action: 'top-up', ids: [1], amount: '0' }, /^amount: must be more than 0/],
    [{ action: 'top-up', ids: [1], amount: '1', gift: '1' }, /gift/],
    [{ action: 'refill', ids: [1] }, /^action: must be one of enable, disable, delete, check, set-balance, top-up/],
  ])('refuses %j with 400 invalid-request, changing nothing', async (body, message) => {
    addKeys(1);
    const res = await bulk(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toMatch(message);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM keys WHERE anchor_source IS NOT NULL').pluck().get()).toBe(0);
  });

  it('set-balance and top-up with 100,000 ids, 20,000 of them real', { timeout: 60_000 }, async () => {
    const real = addKeys(20_000);
    const ids = [...real, ...Array.from({ length: 80_000 }, (_, i) => 1_000_000 + i)];
    const set = await bulk({ action: 'set-balance', ids, gift: '14' });
    expect(set.status).toBe(200);
    expect(set.body.affected).toBe(20_000);
    expect(set.body.notFound).toHaveLength(80_000);
    const topped = await bulk({ action: 'top-up', ids, amount: '1' });
    expect(topped.body.affected).toBe(20_000);
    expect(
      t.ctx.db
        .prepare("SELECT COUNT(*) FROM keys WHERE anchor_source = 'top-up' AND anchor_gift_nano = ? AND anchor_paid_nano = ?")
        .pluck()
        .get(14 * YUAN, YUAN),
    ).toBe(20_000);
  });
});

describe('balances in the import text', () => {
  const text = [`${fakeKey(1)} 14.00`, `${fakeKey(2)}----9.5`, `${fakeKey(3)}`, `${fakeKey(1)} 3`, 'sk-short 1'].join('\n');

  it('POST /keys/preview shows what an import would do, masked, and stores nothing', async () => {
    addKeys(1, 3); // fakeKey(3) is already in the pool
    const res = await preview(text);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      keys: [
        { maskedKey: `sk-${fakeKey(1).slice(3, 7)}…${fakeKey(1).slice(-4)}`, gift: 14, paid: 0, account: null, duplicate: false },
        { maskedKey: `sk-${fakeKey(2).slice(3, 7)}…${fakeKey(2).slice(-4)}`, gift: 9.5, paid: 0, account: null, duplicate: false },
        { maskedKey: `sk-${fakeKey(3).slice(3, 7)}…${fakeKey(3).slice(-4)}`, gift: null, paid: null, account: null, duplicate: true },
      ],
      keysLeftOut: 0,
      added: 2,
      duplicates: 2,
      invalid: 1,
      unusual: 0,
      withBalance: 2,
      withAccount: 0,
      badAccounts: 0,
    });
    for (const n of [1, 2, 3]) expect(res.text).not.toContain(fakeKey(n).slice(3, 20));
    expect(countRows()).toBe(1);
  });

  it('a CSV preview reads the balance columns; an empty text previews as nothing found', async () => {
    const csv = `key,gift,paid\n${fakeKey(1)},1.5,20\n`;
    expect((await preview(csv)).body).toMatchObject({ keys: [{ gift: 1.5, paid: 20, duplicate: false }], added: 1, withBalance: 1 });
    expect((await preview('nothing here')).body).toMatchObject({ keys: [], added: 0, duplicates: 0, invalid: 0, withBalance: 0 });
    const bad = await withCsrf(admin.agent.post('/admin/api/keys/preview')).send({ keys: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
    expect(countRows()).toBe(0);
  });

  it('a preview lists at most 1,000 keys and counts the rest', async () => {
    const many = Array.from({ length: 1_200 }, (_, i) => `${fakeKey(i)} 1`).join('\n');
    const res = await preview(many);
    expect(res.body).toMatchObject({ keysLeftOut: 200, added: 1_200, withBalance: 1_200 });
    expect(res.body.keys).toHaveLength(1_000);
  });

  it("the import sets new keys' balances as anchors from the import; a key already stored keeps its anchor and is counted", async () => {
    const [stored] = addKeys(1, 3);
    writeMoney(stored!, { anchor_gift_nano: 2 * YUAN, anchor_paid_nano: 0, anchor_source: 'admin', anchor_at: 1 });
    const res = await importKeys({ keys: `${text}\n${fakeKey(3)} 50` });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      added: 2,
      duplicates: 3,
      invalid: 1,
      unusual: 0,
      balancesSet: 2,
      balancesSkipped: 0,
      accountsSet: 0,
      badAccounts: 0,
      jobId: null,
    });
    expect(anchorOf(idOf(1))).toEqual({ gift: 14 * YUAN, paid: 0, source: 'import' });
    expect(anchorOf(idOf(2))).toEqual({ gift: 9_500_000_000, paid: 0, source: 'import' });
    // fakeKey(3) came first without a balance (the first mention wins), so it kept its anchor silently.
    expect(anchorOf(stored!)).toEqual({ gift: 2 * YUAN, paid: 0, source: 'admin' });
    const again = await importKeys({ keys: `${fakeKey(3)} 50` });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ added: 0, duplicates: 1, balancesSet: 0, balancesSkipped: 1 });
    expect(anchorOf(stored!)).toEqual({ gift: 2 * YUAN, paid: 0, source: 'admin' });
  });

  it('with updateExistingBalances, keys already in the pool take the balance written beside them too', async () => {
    const [stored] = addKeys(1, 3);
    const res = await importKeys({ keys: `${fakeKey(3)},50\n${fakeKey(4)},1`, updateExistingBalances: true });
    expect(res.body).toMatchObject({ added: 1, duplicates: 1, balancesSet: 2, balancesSkipped: 0 });
    expect(anchorOf(stored!)).toEqual({ gift: 50 * YUAN, paid: 0, source: 'import' });
  });

  it('shows the imported balances in the key list as estimates from the import', async () => {
    await importKeys({ keys: `密钥,赠送余额,充值余额\n${fakeKey(1)},0.88,88` });
    const item = (await admin.agent.get('/admin/api/keys')).body.items[0];
    expect(item).toMatchObject({
      giftBalance: 0.88,
      chargeBalance: 88,
      totalBalance: 88.88,
      balanceKind: 'estimated',
      balanceSource: 'import',
    });
  });
});
