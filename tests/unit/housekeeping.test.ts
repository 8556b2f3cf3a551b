import { describe, expect, it, vi } from 'vitest';
import { JOB_KEY_RETENTION_DAYS } from '../../src/keys/job-key-store.js';
import { startScheduledJobs, type ScheduledJobsDeps } from '../../src/jobs/scheduled-jobs.js';
import { silentLogger } from '../../src/logger.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('housekeeping', () => {
  it('forgets the keys of jobs older than JOB_KEY_RETENTION_DAYS, at start and hourly after', () => {
    vi.useFakeTimers({ now: 100 * DAY_MS });
    try {
      const deleteOlderThan = vi.fn(() => 0);
      const settings = { get: () => ({ balanceRefreshCron: '0 0 1 1 *' }), on: vi.fn(), off: vi.fn() };
      const deps = {
        checks: { refreshScheduled: vi.fn(() => Promise.resolve()) },
        settings,
        sessionStore: { prune: vi.fn(() => 0) },
        requestLogs: { deleteOlderThan: vi.fn(() => 0) },
        jobKeys: { deleteOlderThan },
        recovery: { start: vi.fn(), stop: vi.fn() },
        alerts: { start: vi.fn(), stop: vi.fn(), reschedule: vi.fn() },
        logRetentionDays: 7,
        logger: silentLogger,
      } as unknown as ScheduledJobsDeps;
      const jobs = startScheduledJobs(deps);
      expect(deleteOlderThan).toHaveBeenCalledWith(100 * DAY_MS - JOB_KEY_RETENTION_DAYS * DAY_MS);
      vi.advanceTimersByTime(60 * 60 * 1000);
      expect(deleteOlderThan).toHaveBeenCalledTimes(2);
      jobs.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
