import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedPool } from '../helpers/spend-fixtures.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

describe('the pool money others see: /metrics', () => {
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
});
