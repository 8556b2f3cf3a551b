import { describe, expect, it } from 'vitest';
import { ProxyMetrics } from '../../src/metrics/metrics.js';
import type { PoolGauges } from '../../src/stats/spend-service.js';

describe('the pool money gauges', () => {
  it('read the pool once per scrape for both gauges, and leave out what is unknown', async () => {
    let reads = 0;
    let gauges: PoolGauges = { balanceYuan: { gift: 12.5, paid: 0, total: 12.5 }, runwayHours: { gift: 120, paid: null } };
    const metrics = new ProxyMetrics(
      () => ({}),
      () => (reads++, gauges),
    );
    let text = await metrics.render();
    expect(reads).toBe(1);
    expect(text).toContain('sfm_pool_estimated_balance_yuan{credit="gift"} 12.5\n');
    expect(text).toContain('sfm_pool_estimated_balance_yuan{credit="paid"} 0\n');
    expect(text).toContain('sfm_pool_runway_hours{credit="gift"} 120\n');
    expect(text).not.toContain('sfm_pool_runway_hours{credit="paid"}');

    gauges = { balanceYuan: { gift: null, paid: null, total: null }, runwayHours: { gift: null, paid: null } };
    text = await metrics.render();
    expect(reads).toBe(2);
    expect(text).toContain('# TYPE sfm_pool_estimated_balance_yuan gauge');
    expect(text).not.toMatch(/^sfm_pool_/m);
  });
});
