import type { Job, JobRegistry } from '../jobs/job-registry.js';
import type { KeyService } from '../keys/key-service.js';
import type { KeyStore } from '../keys/key-store.js';
import { type CheckResult, type KeyRow, type KeyView, type PublicStatus } from '../keys/key-types.js';
import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import type { SettingsService } from '../settings/settings-service.js';
import { CheckLimiter } from './check-limiter.js';
import { classifyModels, classifyUserInfo } from './classify.js';
import type { SiliconFlowClient } from './siliconflow-client.js';

/**
 * Checks keys against SiliconFlow (see classify.ts for the order and the outcomes). The admin's buttons,
 * the import, and the scheduled refresh all come through here.
 */
export class CheckService {
  /** The running check of the whole pool (admin's "check all" or the schedule): never two at once. */
  private fullRun: Job | null = null;
  private readonly limiter: CheckLimiter;

  constructor(
    private readonly keys: KeyService,
    private readonly store: KeyStore,
    private readonly client: SiliconFlowClient,
    private readonly jobs: JobRegistry,
    private readonly settings: SettingsService,
    private readonly logger: Logger,
  ) {
    this.limiter = new CheckLimiter(() => {
      const { checkConcurrency, checkIntervalMs } = settings.get();
      return { concurrency: checkConcurrency, intervalMs: checkIntervalMs };
    });
  }

  async checkOne(id: number): Promise<KeyView> {
    await this.check(this.keys.row(id));
    return this.keys.get(id);
  }

  /** Checks the given keys in the background; returns the job to watch. */
  startJob(kind: string, rows: KeyRow[]): Job {
    return this.launch(kind, rows).job;
  }

  /** Checks every key (or those with a status). If a full check is already running, returns that one. */
  startFullCheck(status?: PublicStatus): { job: Job; alreadyRunning: boolean } {
    if (this.fullRun && !this.fullRun.finished) return { job: this.fullRun, alreadyRunning: true };
    const job = this.startJob('check-all', this.store.all({ status }));
    this.fullRun = job;
    return { job, alreadyRunning: false };
  }

  /** The scheduled refresh: enabled keys that are not invalid; exhausted and errored ones too, so they recover. */
  async refreshScheduled(): Promise<void> {
    if (this.fullRun && !this.fullRun.finished) {
      this.logger.info('balance refresh skipped: the previous check is still running');
      return;
    }
    const { job, done } = this.launch('scheduled-refresh', this.store.all({ refreshable: true }));
    this.fullRun = job;
    await done;
  }

  private launch(kind: string, rows: KeyRow[]): { job: Job; done: Promise<void> } {
    const job = this.jobs.create(kind, rows.length);
    return { job, done: this.run(job, rows) };
  }

  private async run(job: Job, rows: KeyRow[]): Promise<void> {
    try {
      await Promise.all(
        rows.map(async (row) => {
          const status = await this.check(row).then(
            (result) => result.status,
            (err: unknown) => {
              // One broken row (say, undecryptable) must not stop the others.
              this.logger.error({ err, keyId: row.id }, 'key check crashed');
              return 'error' as const;
            },
          );
          job.step(row.enabled ? status : 'disabled', status !== 'error');
        }),
      );
      job.finish();
      this.logger.info({ job: job.progress }, 'key check finished');
    } catch (err) {
      this.logger.error({ err }, 'key check failed');
      job.finish(err);
    }
  }

  /** One key: user/info first, GET /v1/models when that endpoint is retired. Waits for a slot of the shared limiter. */
  private check(row: KeyRow): Promise<CheckResult> {
    return this.limiter.run(() => this.checkNow(row));
  }

  /**
   * Checks keys a visitor pasted on the user page: the same questions to SiliconFlow, through the same
   * limiter, but nothing is stored and nothing about the keys is logged.
   */
  checkUnstored(keys: string[]): Promise<CheckResult[]> {
    return Promise.all(keys.map((key) => this.limiter.run(() => this.ask(key))));
  }

  private async checkNow(row: KeyRow): Promise<CheckResult> {
    const safe = await this.ask(this.keys.reveal(row));
    const replaced = this.store.recordCheck(row.id, safe);
    if (replaced) {
      const { account: from, source } = replaced;
      this.logger.info({ keyId: row.id, key: row.masked, from, source, to: safe.account }, 'key account replaced by user/info');
    }
    if (safe.status !== row.status) {
      this.logger.info({ keyId: row.id, key: row.masked, from: row.status, to: safe.status }, 'key status changed');
    }
    return safe;
  }

  /** user/info first, GET /v1/models when that endpoint is retired (classify.ts). */
  private async ask(key: string): Promise<CheckResult> {
    let result = classifyUserInfo(await this.client.userInfo(key));
    if (result === 'fallback') result = classifyModels(await this.client.models(key));
    return { ...result, error: result.error === null ? null : redactSecrets(result.error) };
  }
}
