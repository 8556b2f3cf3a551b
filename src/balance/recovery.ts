import type { KeyEventStore } from '../keys/key-events.js';
import type { KeyStore } from '../keys/key-store.js';
import type { CheckResult, KeyRow, KeyStatus } from '../keys/key-types.js';
import type { Logger } from '../logger.js';
import type { CheckService } from './check-service.js';
import { DAY_MS, errorBackoffMs, nextStep, type Memo, type RecoveryLimits, type Step } from './recovery-plan.js';

/** The statuses with a way back that the job walks; `cooling` ends on its own, `disabled` is the admin's. */
const RECOVERABLE: readonly KeyStatus[] = ['error', 'exhausted', 'invalid'];
/** setTimeout's longest delay is ~24.8 days; waking once a day to look again costs nothing. */
const LONGEST_WAIT_MS = DAY_MS;
const CRASH_WAIT_MS = 60 * 60_000;
/** More changed keys than this at once (a bulk action): look at the whole plan instead of each. */
const MANY_CHANGED = 1000;

export const leftAloneReason = (days: number) => `re-checked daily for ${days} days and still invalid: left alone`;

export type RecoveryDeps = {
  store: Pick<KeyStore, 'all' | 'get'>;
  history: Pick<KeyEventStore, 'lastEntered' | 'notedSince' | 'note' | 'events'>;
  /** The checks' questions, through their shared limiter (so the pace is CHECK_CONCURRENCY/CHECK_INTERVAL_MS). */
  checks: Pick<CheckService, 'recheck' | 'probe'>;
  limits: () => RecoveryLimits;
  /** EXHAUSTED_PROBE_MODEL. */
  probeModel: string;
  logger: Logger;
  now?: () => number;
};

/**
 * The way back for every state but "disabled by the admin" (docs/proxy.md, "States and their way
 * back"): `error` keys re-checked at growing intervals, `exhausted` keys probed every
 * EXHAUSTED_PROBE_HOURS, `invalid` keys re-checked once a day for INVALID_RECHECK_DAYS. Nothing here
 * is on the /v1 path. Idle, it holds one unref'd timer to the next due key (none when no key needs
 * it), and looks again when a key's status changes (the history's `recorded`).
 */
export class RecoveryService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  /** Retries of each `error` key so far and when the next is due; forgotten when the key leaves `error`. */
  private readonly errorRetries = new Map<number, { tries: number; dueAt: number }>();
  private readonly inFlight = new Set<number>();
  /** When each exhausted key was last probed; forgotten when it leaves `exhausted`. */
  private readonly probedAt = new Map<number, number>();
  /** A key whose step crashed (say, undecryptable) waits this long before its next, instead of at once. */
  private readonly crashedUntil = new Map<number, number>();
  private readonly now: () => number;
  /** When the armed timer fires (Infinity: none armed). */
  private nextAt = Infinity;
  private readonly onRecorded = (ids: number[]) => this.changed(ids);

  constructor(private readonly deps: RecoveryDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.started = true;
    this.deps.history.events.on('recorded', this.onRecorded);
    this.reschedule();
  }

  stop(): void {
    this.started = false;
    this.deps.history.events.off('recorded', this.onRecorded);
    clearTimeout(this.timer);
    this.nextAt = Infinity;
  }

  /** Looks at every key again (at start, after a run, when settings change) and arms the timer for the first due. */
  reschedule(): void {
    if (!this.started || this.running) return;
    this.arm(Math.min(...this.plan().map((p) => p.step.at)), true);
  }

  /**
   * Keys whose status just changed: only those are looked at (not the whole pool, on every save of
   * the proxy's verdicts), and the timer moves only when one of them is due earlier.
   */
  private changed(ids: number[]): void {
    if (!this.started || this.running) return;
    if (ids.length > MANY_CHANGED) return this.reschedule();
    const limits = this.deps.limits();
    for (const id of ids) {
      // A key that changed status starts its retries over, whatever it went through before.
      this.errorRetries.delete(id);
      this.probedAt.delete(id);
      const row = this.deps.store.get(id);
      if (!row?.enabled || !RECOVERABLE.includes(row.status)) continue;
      const step = nextStep(row, this.deps.history.lastEntered(id, row.status), this.memo(id), limits);
      if (step && step.kind !== 'give-up') this.arm(step.at, false);
    }
  }

  /** One timer, unref'd, to `at` — replacing the armed one when `replace` or when `at` is earlier. */
  private arm(at: number, replace: boolean): void {
    if (!replace && at >= this.nextAt) return;
    clearTimeout(this.timer);
    this.nextAt = at;
    if (!Number.isFinite(at)) return;
    this.timer = setTimeout(
      () => {
        this.nextAt = Infinity;
        void this.runDue();
      },
      Math.min(Math.max(0, at - this.now()), LONGEST_WAIT_MS),
    );
    this.timer.unref();
  }

  /** Tries every key that is due now, then waits for the next. Never two runs at once; never throws. */
  runDue(): Promise<void> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
      this.reschedule();
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      const now = this.now();
      const due = this.plan().filter(({ row, step }) => step.at <= now && !this.inFlight.has(row.id));
      await Promise.all(due.map(({ row, step }) => this.take(row, step, now)));
    } catch (err) {
      this.deps.logger.error({ err }, 'key recovery failed');
    }
  }

  /** Every enabled key with a way back, and its next step. */
  private plan(): { row: KeyRow; step: NonNullable<Step> }[] {
    const limits = this.deps.limits();
    const rows = RECOVERABLE.flatMap((status) => this.deps.store.all({ status }));
    forgetOthers(this.errorRetries, rows, 'error');
    forgetOthers(this.probedAt, rows, 'exhausted');
    return rows.flatMap((row) => {
      const entered = this.deps.history.lastEntered(row.id, row.status);
      const step = nextStep(row, entered, this.memo(row.id), limits);
      if (!step || (step.kind === 'give-up' && this.gaveUp(row.id, step.since, limits))) return [];
      const at = Math.max(step.at, this.crashedUntil.get(row.id) ?? 0);
      return [{ row, step: { ...step, at } }];
    });
  }

  private async take(row: KeyRow, step: NonNullable<Step>, now: number): Promise<void> {
    if (step.kind === 'give-up') return this.giveUp(row);
    this.inFlight.add(row.id);
    try {
      const result = await this.ask(row, step.kind);
      if (row.status === 'error') this.retried(row.id, result);
      this.deps.logger.info({ keyId: row.id, key: row.masked, from: row.status, to: result.status }, 'key recovery step');
    } catch (err) {
      // One broken row (say, undecryptable) must not stop the others; it waits its next turn.
      this.deps.logger.error({ err, keyId: row.id }, 'key recovery step crashed');
      this.crashedUntil.set(row.id, now + CRASH_WAIT_MS);
    } finally {
      this.inFlight.delete(row.id);
    }
  }

  private ask(row: KeyRow, kind: 'recheck' | 'probe'): Promise<CheckResult> {
    if (kind === 'recheck') return this.deps.checks.recheck(row);
    this.probedAt.set(row.id, this.now());
    return this.deps.checks.probe(row, this.deps.probeModel);
  }

  private memo(id: number): Memo {
    return { errorDueAt: this.errorRetries.get(id)?.dueAt, probedAt: this.probedAt.get(id) };
  }

  /** An `error` key still in trouble waits twice as long (up to the cap); one that is back starts again at 1 minute. */
  private retried(id: number, result: CheckResult | undefined, at = this.now()): void {
    if (result && !result.undecided && result.status !== 'error') {
      this.errorRetries.delete(id);
      return;
    }
    const tries = (this.errorRetries.get(id)?.tries ?? 0) + 1;
    this.errorRetries.set(id, { tries, dueAt: at + errorBackoffMs(tries, this.deps.limits().errorRetryMaxMinutes) });
  }

  private gaveUp(id: number, since: number, limits: RecoveryLimits): boolean {
    return this.deps.history.notedSince(id, leftAloneReason(limits.invalidRecheckDays), since);
  }

  /** An invalid key past its days of re-checks: said once in its history (plan skips it after), then left alone. */
  private giveUp(row: KeyRow): void {
    const reason = leftAloneReason(this.deps.limits().invalidRecheckDays);
    this.deps.history.note(row.id, 'invalid', reason, 'recovery', this.now());
    this.deps.logger.info({ keyId: row.id, key: row.masked }, 'invalid key left alone');
  }
}

/** Drops what is remembered of keys no longer in `status` (enabled). */
function forgetOthers(memo: Map<number, unknown>, rows: KeyRow[], status: KeyStatus): void {
  const still = new Set(rows.filter((r) => r.status === status).map((r) => r.id));
  for (const id of memo.keys()) if (!still.has(id)) memo.delete(id);
}
