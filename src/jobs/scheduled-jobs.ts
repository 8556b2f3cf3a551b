import cron, { type ScheduledTask } from 'node-cron';
import type { AlertEngine } from '../alerts/alert-engine.js';
import type { CheckService } from '../balance/check-service.js';
import type { RecoveryService } from '../balance/recovery.js';
import type { SqliteSessionStore } from '../db/session-store.js';
import { JOB_KEY_RETENTION_DAYS, type JobKeyStore } from '../keys/job-key-store.js';
import type { Logger } from '../logger.js';
import type { RequestLogStore } from '../logs/request-log-store.js';
import type { SettingsService } from '../settings/settings-service.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** The runtime settings that move the recovery's due times (src/config/table/recovery.ts). */
const RECOVERY_SETTINGS = ['errorRetryMaxMinutes', 'exhaustedProbeHours', 'invalidRecheckDays'];

export type ScheduledJobsDeps = {
  checks: Pick<CheckService, 'refreshScheduled'>;
  /** Error, exhausted and invalid keys tried again, each when it is due (one timer, not a poll). */
  recovery: Pick<RecoveryService, 'start' | 'stop' | 'reschedule'>;
  settings: Pick<SettingsService, 'get' | 'on' | 'off'>;
  sessionStore: Pick<SqliteSessionStore, 'prune'>;
  requestLogs: Pick<RequestLogStore, 'deleteOlderThan'>;
  /** Which key made each file, batch and video job: forgotten after JOB_KEY_RETENTION_DAYS. */
  jobKeys: Pick<JobKeyStore, 'deleteOlderThan'>;
  /** LOG_RETENTION_DAYS: how long request logs are kept. */
  logRetentionDays: number;
  logger: Logger;
  /** Issue 14: the alert engine's tick (its first runs at start, so default-password fires at once). */
  alerts: Pick<AlertEngine, 'start' | 'stop' | 'reschedule'>;
};

/** The background jobs, started by server.ts and stopped on shutdown. Each catches and logs its own errors. */
export function startScheduledJobs(deps: ScheduledJobsDeps): { stop(): void } {
  const { checks, settings, sessionStore, requestLogs, logger } = deps;
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
    if (RECOVERY_SETTINGS.some((name) => changed.includes(name))) deps.recovery.reschedule();
    if (changed.includes('alertCheckSeconds')) deps.alerts.reschedule();
    if (!changed.includes('balanceRefreshCron')) return;
    void task.stop();
    task = cron.schedule(settings.get().balanceRefreshCron, refresh);
    logger.info({ cron: settings.get().balanceRefreshCron }, 'balance refresh rescheduled');
  };
  settings.on('change', onChange);
  deps.recovery.start();
  deps.alerts.start();

  // Housekeeping, hourly and once at start: expired sessions, request logs past their retention, old job keys.
  const housekeeping = () => {
    try {
      sessionStore.prune();
      const cutoff = Date.now() - deps.logRetentionDays * DAY_MS;
      const removed = requestLogs.deleteOlderThan(cutoff);
      if (removed) logger.info({ removed }, 'request logs past retention removed');
      deps.jobKeys.deleteOlderThan(Date.now() - JOB_KEY_RETENTION_DAYS * DAY_MS);
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
      deps.recovery.stop();
      deps.alerts.stop();
      void task.stop();
      clearInterval(prune);
    },
  };
}
