import { describe, expect, it } from 'vitest';
import { CheckLimiter } from '../../src/balance/check-limiter.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('CheckLimiter', () => {
  it('never runs more tasks at once than the concurrency, across all callers', async () => {
    const limiter = new CheckLimiter(() => ({ concurrency: 3, intervalMs: 0 }));
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    // Two "jobs" sharing the limiter.
    await Promise.all([...Array.from({ length: 10 }, () => limiter.run(task)), ...Array.from({ length: 10 }, () => limiter.run(task))]);
    expect(peak).toBe(3);
  });

  it('reads the limit at every start, so a lowered setting applies to work already queued', async () => {
    let concurrency = 4;
    const limiter = new CheckLimiter(() => ({ concurrency, intervalMs: 0 }));
    let running = 0;
    const peaks: number[] = [];
    const task = async () => {
      running++;
      peaks.push(running);
      await tick();
      running--;
    };
    const all = Array.from({ length: 12 }, () => limiter.run(task));
    concurrency = 1;
    await Promise.all(all);
    expect(Math.max(...peaks.slice(4))).toBe(1);
  });

  it('spaces out starts by the interval', async () => {
    const limiter = new CheckLimiter(() => ({ concurrency: 10, intervalMs: 40 }));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => limiter.run(() => Promise.resolve(void starts.push(Date.now())))));
    expect(starts[3]! - starts[0]!).toBeGreaterThanOrEqual(110);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new CheckLimiter(() => ({ concurrency: 1, intervalMs: 0 }));
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
