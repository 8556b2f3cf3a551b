import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../context.js';

const PRUNE_SESSIONS_MS = 60 * 60 * 1000;

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

  const prune = setInterval(() => {
    try {
      sessionStore.prune();
    } catch (err) {
      logger.error({ err }, 'session prune failed');
    }
  }, PRUNE_SESSIONS_MS);
  prune.unref();

  return {
    stop() {
      settings.off('change', onChange);
      void task.stop();
      clearInterval(prune);
    },
  };
}
