import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../context.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The background jobs, started by server.ts and stopped on shutdown. Each catches and logs its own errors. */
export function startScheduledJobs(ctx: AppContext): { stop(): void } {
  const { checks, settings, sessionStore, logger } = ctx;
  const refresh = async () => {
    try {
      await checks.refreshScheduled();
    } catch (err) {
      logger.error({ err }, 'scheduled balance refresh failed');
    }
  };

  let task: ScheduledTask = cron.schedule(settings.get().balanceRefreshCron, refresh);
  // The admin may change the schedule at runtime.
  const onChange = (_s: unknown, changed: string[]) => {
    if (!changed.includes('balanceRefreshCron')) return;
    void task.stop();
    task = cron.schedule(settings.get().balanceRefreshCron, refresh);
    logger.info({ cron: settings.get().balanceRefreshCron }, 'balance refresh rescheduled');
  };
  settings.on('change', onChange);

  // Housekeeping, hourly and once at start: expired sessions, request logs past their retention.
  const housekeeping = () => {
    try {
      sessionStore.prune();
      const cutoff = Date.now() - ctx.config.proxy.logRetentionDays * DAY_MS;
      const removed = ctx.requestLogs.deleteOlderThan(cutoff);
      if (removed) logger.info({ removed }, 'request logs past retention removed');
    } catch (err) {
      logger.error({ err }, 'housekeeping failed');
    }
  };
  housekeeping();
  const prune = setInterval(housekeeping, HOUR_MS);
  prune.unref();

  return {
    stop() {
      settings.off('change', onChange);
      void task.stop();
      clearInterval(prune);
    },
  };
}
