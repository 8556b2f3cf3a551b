import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorKey, nano, seedPool } from '../helpers/spend-fixtures.js';
import { fakeKey, signIn, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

/** The text of the element with this id in a piece of HTML. */
const textOf = (html: string, id: string) => new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];

describe('the pool money others see: the user page, the admin cards and /metrics', () => {
  beforeEach(async () => {
    t = await startTestApp();
    seedPool(t);
  });

  it('exports the balance and the runway as metrics, read at the scrape', async () => {
    const metrics = async () => (await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.ctx.accessKey.current().key}`)).text;
    const text = await metrics();
    expect(text).toContain('# TYPE sfm_pool_estimated_balance_yuan gauge');
    expect(text).toContain('sfm_pool_estimated_balance_yuan{credit="gift"} 12\n');
    expect(text).toContain('sfm_pool_estimated_balance_yuan{credit="paid"} 5\n');
    expect(text).toContain('sfm_pool_estimated_balance_yuan{credit="total"} 17\n');
    expect(text).toContain('sfm_pool_runway_hours{credit="gift"} 120\n');
    expect(text).toContain('sfm_pool_runway_hours{credit="paid"} 250\n');
    // Nothing known any more: the series go, rather than read as an empty pool.
    t.ctx.db.prepare('UPDATE keys SET anchor_gift_nano = NULL, anchor_paid_nano = NULL').run();
    const unknown = await metrics();
    expect(unknown).not.toMatch(/^sfm_pool_estimated_balance_yuan\{/m);
    expect(unknown).not.toMatch(/^sfm_pool_runway_hours\{/m);
  });

  it('shows the pool balance with ≈ and the runway on the user page (the admin overview shows them in full instead)', async () => {
    const page = (await request(t.app).get('/')).text;
    expect(textOf(page, 'balance-total')).toBe('≈¥17.00');
    expect(textOf(page, 'balance-detail')).toBe('赠送 ≈¥12.00 · 充值 ≈¥5.00 · 1 个密钥余额未知');
    expect(textOf(page, 'runway')).toBe('赠送 约 5 天 · 充值 约 10 天');
    expect(textOf(page, 'runway-detail')).toBe('最近 24 小时消耗 赠送 ¥0.10/小时 · 充值 ¥0.02/小时');
    const admin = await signIn(t.app);
    const cards = (await admin.agent.get('/admin/stats-cards')).text;
    for (const id of ['balance-total', 'balance-detail', 'runway', 'runway-detail']) expect(textOf(cards, id)).toBeUndefined();
    const english = (await request(t.app).get('/').set('Cookie', 'lang=en')).text;
    expect(textOf(english, 'runway')).toBe('gift about 5 days · paid about 10 days');
  });
});

describe('the runway on the user page when nothing is known or nothing is spent', () => {
  it('reads unknown, then "not being spent" — never a number of days', async () => {
    t = await startTestApp();
    const [id] = t.ctx.keys.import(fakeKey(1)).addedIds;
    const page = async () => (await request(t.app).get('/')).text;
    expect([textOf(await page(), 'runway'), textOf(await page(), 'runway-detail')]).toEqual(['未知', '']);
    anchorKey(t.ctx.db, id!, { gift: nano('14'), paid: 0, source: 'import' });
    const known = await page();
    expect(textOf(known, 'balance-total')).toBe('≈¥14.00');
    expect(textOf(known, 'runway')).toBe('赠送 未在消耗 · 充值 未在消耗');
  });
});
