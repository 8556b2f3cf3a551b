/**
 * Issue 15, idle cost: Node's default metrics (their event-loop monitor wakes the process every
 * 10 ms) start with the first scrape, not with the server. Alone in its file, so the scrape below is
 * the process's first: its lag figures must come from real samples, not from an empty histogram
 * (whose minimum reads 9.2e9 s and whose mean is NaN).
 */
import { describe, expect, it } from 'vitest';
import { ProxyMetrics } from '../../src/metrics/metrics.js';

const sample = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

describe('the default metrics', () => {
  it('start with the first scrape, whose event-loop lag figures are measured ones', async () => {
    const text = await new ProxyMetrics(() => ({})).render();
    for (const series of ['min', 'mean', 'p50', 'max'].map((s) => `sfm_nodejs_eventloop_lag_${s}_seconds`)) {
      expect(sample(text, series), series).toBeGreaterThan(0);
      expect(sample(text, series), series).toBeLessThan(1);
    }
    expect(text).toContain('# TYPE sfm_process_cpu_user_seconds_total counter');
  });
});
