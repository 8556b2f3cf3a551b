/**
 * A steady rate of requests (issue 15, target 5): one request every 1/rate s, sent on time whether or
 * not earlier ones have been answered (open loop), over a keep-alive agent, latency recorded per
 * answer in microseconds. autocannon cannot do this: its rate is per connection and per second, so
 * each connection sends its share back to back when a second starts and then waits — 10-deep bursts
 * whose p99 is queueing behind the burst, not the latency at that rate.
 * Any answer other than 2xx, or an error, fails the run.
 */
import http from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import { BenchFailure, CHAT_PATH, requestHeaders, type LoadResult } from './load.js';

/** The scheduler's tick; each tick sends what is due by then, so the rate holds with timers' jitter. */
const TICK_MS = 1;
/** Sockets at most: far more than 200 req/s of ~1 ms answers keep busy, so none waits for one. */
const MAX_SOCKETS = 64;
const REQUEST_TIMEOUT_MS = 10_000;

export type PacedSpec = { token: string; body: string; rate: number; seconds: number };

export function runPaced(baseUrl: string, spec: PacedSpec, what = 'paced load'): Promise<LoadResult> {
  const url = new URL(CHAT_PATH, baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const headers = requestHeaders(spec.token);
  const latencyUs = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  const total = Math.round(spec.rate * spec.seconds);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    let failure: string | undefined;
    const started = performance.now();
    const finish = () => {
      agent.destroy();
      if (failure) return reject(new BenchFailure(`${baseUrl} (${what}): ${failure}`));
      resolve({
        requestsPerSecond: answered / ((performance.now() - started) / 1000),
        p50Ms: latencyUs.percentile(50) / 1000,
        p99Ms: latencyUs.percentile(99) / 1000,
        requests: answered,
        idleP50Ms: Number.NaN,
        idleP99Ms: Number.NaN,
        cores: {},
      });
    };
    const done = () => {
      if (++answered === total) finish();
    };
    const send = () => {
      const at = performance.now();
      const req = http.request(url, { method: 'POST', agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) failure ??= `HTTP ${res.statusCode}`;
        res.resume();
        res.on('end', () => {
          latencyUs.record(Math.max(1, Math.round((performance.now() - at) * 1000)));
          done();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => {
        failure ??= err.message;
        done();
      });
      req.end(spec.body);
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * spec.rate) + 1);
      while (sent < due) {
        sent++;
        send();
      }
      if (sent === total) clearInterval(timer);
    }, TICK_MS);
  });
}
