import type { Job, JobRegistry } from '../jobs/job-registry.js';
import type { KeyService } from '../keys/key-service.js';
import type { KeyStore } from '../keys/key-store.js';
import { type CheckResult, type KeyRow, type KeyStatus, type KeyView, type PublicStatus } from '../keys/key-types.js';
import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import type { SettingsService } from '../settings/settings-service.js';
import { CheckLimiter } from './check-limiter.js';
import { classifyModels, classifyProbe, classifyUserInfo } from './classify.js';
import type { EventSource } from '../keys/key-events.js';
import type { SiliconFlowClient } from './siliconflow-client.js';

/**
 * Issue 14, alert engine: a finished run over many keys (a job: check all, the schedule, an import).
 * `failed`: keys the run could not check (network errors, SiliconFlow's 5xx, answers it could not
 * tell) — an invalid or exhausted verdict is a check that worked.
 */
export type CheckRun = { kind: string; checked: number; failed: number };

const MODELS_CANNOT_TELL = 'could not tell: user/info is retired, and GET /v1/models answers a key with no money too';

/**
 * Checks keys against SiliconFlow (see classify.ts for the order and the outcomes). The admin's buttons,
 * the import, and the scheduled refresh all come through here.
 */
export class CheckService {
  /** The running check of the whole pool (admin's "check all" or the schedule): never two at once. */
  private fullRun: Job | null = null;
  private readonly limiter: CheckLimiter;
  private runListener: (run: CheckRun) => void = () => {};

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

  /** Who hears of each finished run (the alert engine's check-failed rule). */
  onRunFinished(listener: (run: CheckRun) => void): void {
    this.runListener = listener;
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
            // A check that could not tell leaves the key as it was, and counts as failed.
            (result) => (result.undecided ? 'undecided' : result.status),
            (err: unknown) => {
              // One broken row (say, undecryptable) must not stop the others.
              this.logger.error({ err, keyId: row.id }, 'key check crashed');
              return 'error' as const;
            },
          );
          const shown = status === 'undecided' ? row.status : status;
          job.step(row.enabled ? shown : 'disabled', status !== 'error' && status !== 'undecided');
        }),
      );
      job.finish();
      this.logger.info({ job: job.progress }, 'key check finished');
      const { kind, done, failed } = job.progress;
      this.runListener({ kind, checked: done, failed });
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

  /** The recovery job's re-check (recovery.ts): the same questions, through the same limiter. */
  recheck(row: KeyRow): Promise<CheckResult> {
    return this.limiter.run(() => this.checkNow(row, 'recovery'));
  }

  /**
   * The recovery job's probe of an exhausted key: user/info while it answers (free, with balances),
   * else one chat completion of `max_tokens: 1` on `model` — GET /v1/models would pass a key with no money.
   */
  probe(row: KeyRow, model: string): Promise<CheckResult> {
    return this.limiter.run(() =>
      this.checkNow(row, 'recovery', async (key) => {
        const result = classifyUserInfo(await this.client.userInfo(key));
        return result === 'fallback' ? classifyProbe(await this.client.chatProbe(key, model)) : result;
      }),
    );
  }

  private async checkNow(
    row: KeyRow,
    source: EventSource = 'check',
    question?: (key: string) => Promise<CheckResult>,
  ): Promise<CheckResult> {
    const safe = await this.ask(this.keys.reveal(row), question ?? ((key) => this.checkQuestion(key, row.status)));
    const replaced = this.store.recordCheck(row.id, safe, Date.now(), source);
    if (replaced) {
      const { account: from, source: was } = replaced;
      this.logger.info({ keyId: row.id, key: row.masked, from, source: was, to: safe.account }, 'key account replaced by user/info');
    }
    if (!safe.undecided && safe.status !== row.status) {
      this.logger.info({ keyId: row.id, key: row.masked, from: row.status, to: safe.status }, 'key status changed');
    }
    return safe;
  }

  /** user/info first, GET /v1/models when that endpoint is retired (classify.ts). */
  private async ask(key: string, question = (k: string) => this.checkQuestion(k)): Promise<CheckResult> {
    const result = await question(key);
    return { ...result, error: result.error === null ? null : redactSecrets(result.error) };
  }

  /**
   * user/info, then GET /v1/models when it is retired. A 200 from /v1/models says nothing of money, so
   * it does not revive an exhausted key (every scheduled refresh would, and the next call's 30001 undo
   * it): that is the recovery's probe's question, or the admin's top-up.
   */
  private async checkQuestion(key: string, was?: KeyStatus): Promise<CheckResult> {
    const result = classifyUserInfo(await this.client.userInfo(key));
    if (result !== 'fallback') return result;
    const models = classifyModels(await this.client.models(key));
    if (was !== 'exhausted' || models.status !== 'active') return models;
    return { status: 'exhausted', balances: undefined, error: MODELS_CANNOT_TELL, undecided: true };
  }
}
