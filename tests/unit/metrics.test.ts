import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { ProxyMetrics } from '../../src/metrics/metrics.js';
import { errorHandler } from '../../src/middleware/error-handler.js';
import { metricsRoutes } from '../../src/routes/metrics.routes.js';
import { signedInAsAdmin } from '../helpers/unit-fixtures.js';

const ACCESS_KEY = 'sfm-test-access-key';

function metricsApp(metrics: ProxyMetrics, options: { admin?: boolean } = {}) {
  const app = express();
  if (options.admin) app.use(signedInAsAdmin);
  app.use(
    metricsRoutes({
      metrics,
      isAccessKey: (token) => token === ACCESS_KEY,
      mustChangePassword: () => false,
    }),
  );
  app.use(errorHandler(silentLogger));
  return app;
}

/** The value of one sample line, e.g. `sfm_requests_total{status="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ProxyMetrics', () => {
  it('counts finished requests by status and client key, and upstream attempts by outcome', async () => {
    const metrics = new ProxyMetrics(() => ({}));
    metrics.requestFinished(200, 'default');
    metrics.requestFinished(200, 'default');
    metrics.requestFinished(503, '7');
    metrics.attempt('ok', 300);
    metrics.attempt('rate-limited', 40);
    metrics.attempt('upstream-error', null);
    const text = await metrics.render();
    expect(text).toContain('# TYPE sfm_requests_total counter');
    expect(sample(text, 'sfm_requests_total{status="200",client="default"}')).toBe(2);
    expect(sample(text, 'sfm_requests_total{status="503",client="7"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_attempts_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_attempts_total{outcome="rate-limited"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_attempts_total{outcome="upstream-error"}')).toBe(1);
  });

  it('records upstream latency in seconds, and only for attempts that got an answer', async () => {
    const metrics = new ProxyMetrics(() => ({}));
    metrics.attempt('ok', 300);
    metrics.attempt('ok', 40);
    metrics.attempt('upstream-error', null);
    const text = await metrics.render();
    expect(text).toContain('# TYPE sfm_upstream_latency_seconds histogram');
    expect(sample(text, 'sfm_upstream_latency_seconds_count')).toBe(2);
    expect(sample(text, 'sfm_upstream_latency_seconds_sum')).toBeCloseTo(0.34);
    expect(sample(text, 'sfm_upstream_latency_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_latency_seconds_bucket{le="0.25"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_latency_seconds_bucket{le="0.5"}')).toBe(2);
    expect(sample(text, 'sfm_upstream_latency_seconds_bucket{le="120"}')).toBe(2);
  });

  it('keeps counting across scrapes: each scrape shows the totals so far, never a count twice', async () => {
    const metrics = new ProxyMetrics(() => ({}));
    metrics.requestFinished(200, 'default');
    metrics.attempt('ok', 100);
    expect(sample(await metrics.render(), 'sfm_requests_total{status="200",client="default"}')).toBe(1);
    metrics.requestFinished(200, 'default');
    metrics.requestFinished(429, 'default');
    metrics.attempt('ok', 100);
    const text = await metrics.render();
    expect(sample(text, 'sfm_requests_total{status="200",client="default"}')).toBe(2);
    expect(sample(text, 'sfm_requests_total{status="429",client="default"}')).toBe(1);
    expect(sample(text, 'sfm_upstream_attempts_total{outcome="ok"}')).toBe(2);
    expect(sample(text, 'sfm_upstream_latency_seconds_count')).toBe(2);
    expect(sample(await metrics.render(), 'sfm_requests_total{status="200",client="default"}')).toBe(2);
  });

  it('sums spend exactly in nano-yuan until a scrape, by model, credit and client', async () => {
    const metrics = new ProxyMetrics(() => ({}));
    // 0.1 + 0.2 yuan as floats is 0.30000000000000004; summed in nano-yuan it is 0.3.
    metrics.spent('m', 100_000_000, { gift: 100_000_000, paid: 0 }, '3');
    metrics.spent('m', 250_000_000, { gift: 200_000_000, paid: 50_000_000 }, '3');
    metrics.spent('m', 70_000_000, { gift: null, paid: null }, 'default');
    const text = await metrics.render();
    expect(sample(text, 'sfm_spend_yuan_total{model="m",credit="gift",client="3"}')).toBe(0.3);
    expect(sample(text, 'sfm_spend_yuan_total{model="m",credit="paid",client="3"}')).toBe(0.05);
    expect(sample(text, 'sfm_spend_yuan_total{model="m",credit="unknown",client="default"}')).toBe(0.07);
    expect(text).not.toContain('sfm_spend_yuan_total{model="m",credit="paid",client="default"}');
  });

  it('records every latency even when thousands arrive between two scrapes', async () => {
    const metrics = new ProxyMetrics(() => ({}));
    for (let i = 0; i < 5_000; i++) metrics.attempt('ok', i % 2 ? 40 : 3_000);
    const text = await metrics.render();
    expect(sample(text, 'sfm_upstream_latency_seconds_count')).toBe(5_000);
    expect(sample(text, 'sfm_upstream_latency_seconds_bucket{le="0.05"}')).toBe(2_500);
    expect(sample(text, 'sfm_upstream_latency_seconds_sum')).toBeCloseTo(2_500 * 0.04 + 2_500 * 3, 6);
  });

  it('asks for key counts at each scrape, and drops a status that is no longer reported', async () => {
    let counts: Record<string, number> = { active: 3, invalid: 1 };
    const metrics = new ProxyMetrics(() => counts);
    let text = await metrics.render();
    expect(sample(text, 'sfm_keys{status="active"}')).toBe(3);
    expect(sample(text, 'sfm_keys{status="invalid"}')).toBe(1);
    counts = { active: 2 };
    text = await metrics.render();
    expect(sample(text, 'sfm_keys{status="active"}')).toBe(2);
    expect(sample(text, 'sfm_keys{status="invalid"}')).toBeUndefined();
  });

  it('includes the default Node process metrics under the sfm_ prefix', async () => {
    const text = await new ProxyMetrics(() => ({})).render();
    expect(text).toContain('# TYPE sfm_process_cpu_user_seconds_total counter');
    expect(text).toContain('sfm_nodejs_eventloop_lag_seconds');
    expect(text).toContain('sfm_nodejs_heap_size_used_bytes');
  });

  it('keeps separate values in separate instances', async () => {
    const a = new ProxyMetrics(() => ({ active: 1 }));
    const b = new ProxyMetrics(() => ({ active: 7 }));
    a.requestFinished(200, 'default');
    a.requestFinished(200, 'default');
    b.requestFinished(200, 'default');
    const [textA, textB] = await Promise.all([a.render(), b.render()]);
    expect(sample(textA, 'sfm_requests_total{status="200",client="default"}')).toBe(2);
    expect(sample(textB, 'sfm_requests_total{status="200",client="default"}')).toBe(1);
    expect(sample(textA, 'sfm_keys{status="active"}')).toBe(1);
    expect(sample(textB, 'sfm_keys{status="active"}')).toBe(7);
  });
});

describe('GET /metrics', () => {
  const metrics = new ProxyMetrics(() => ({ active: 2 }));
  metrics.requestFinished(200, 'default');

  it('answers 401 not-authorized without credentials or with a wrong key', async () => {
    const app = metricsApp(metrics);
    for (const res of [
      await request(app).get('/metrics'),
      await request(app).get('/metrics').set('Authorization', 'Bearer wrong'),
      await request(app).get('/metrics').set('x-api-key', 'wrong'),
      await request(app).get('/metrics').set('Authorization', ACCESS_KEY),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('not-authorized');
    }
  });

  it('serves the Prometheus text to a caller with the access key as Bearer or x-api-key', async () => {
    const app = metricsApp(metrics);
    for (const res of [
      await request(app).get('/metrics').set('Authorization', `Bearer ${ACCESS_KEY}`),
      await request(app).get('/metrics').set('x-api-key', ACCESS_KEY),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
      expect(res.text).toContain('sfm_requests_total{status="200",client="default"} 1');
      expect(res.text).toContain('sfm_keys{status="active"} 2');
    }
  });

  it('serves a signed-in admin session without a key', async () => {
    const res = await request(metricsApp(metrics, { admin: true })).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE sfm_upstream_latency_seconds histogram');
  });
});
