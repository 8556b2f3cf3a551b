import type { CheckRun } from '../balance/check-service.js';
import type { Logger } from '../logger.js';
import type { AlertGauges } from '../metrics/metrics.js';
import type { AlertRuleService } from './alert-rule-service.js';
import type { BatchParams } from './alert-rules.js';
import { ALERT_EVENTS, type AlertEvent, type AlertSink } from './alert-types.js';
import { EVENT_TAB } from './detectors/detector.js';
import { DETECTORS } from './detectors/index.js';
import type { IncidentStore, IncidentView } from './incident-store.js';
import { Incidents } from './incidents.js';
import type { BatchedStatus } from './key-bursts.js';
import { Snapshotter, type PoolSnapshot, type SnapshotSources } from './snapshot.js';

export type AlertEngineDeps = {
  rules: Pick<AlertRuleService, 'get'>;
  incidents: Pick<IncidentStore, 'open' | 'insert' | 'update' | 'list'>;
  sink: AlertSink;
  sources: SnapshotSources;
  /** ALERT_CHECK_SECONDS (a runtime setting): read before each wait. */
  checkSeconds: () => number;
  /** PUBLIC_URL, or http://<HOST or localhost>:<PORT>, without a trailing slash (publicBaseUrl): messages link to its admin page. */
  baseUrl: string;
  logger: Logger;
};

const BATCH_EVENT: Record<BatchedStatus, AlertEvent> = { invalid: 'keys-invalid', exhausted: 'keys-exhausted' };

/**
 * Decides when a message is sent: on each tick (one unref'd timer, every ALERT_CHECK_SECONDS) it
 * takes a snapshot of what the pool knows, runs each enabled rule's detector on it, and hands the
 * conditions to Incidents, which de-duplicates them and sends to the sink. Never on /v1's path: the
 * proxy only keeps the O(1) facts the snapshot reads. The tick stays because some conditions end
 * with time alone (a back-off, a cooling, a budget's day); when nothing happened it reads no table
 * and writes no row (the snapshot reads events and the runway only after changes), so it is cheap.
 */
export class AlertEngine {
  private readonly snapshots: Snapshotter;
  private readonly open: Incidents;
  private last: PoolSnapshot | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AlertEngineDeps) {
    this.snapshots = new Snapshotter(deps.sources);
    this.open = new Incidents({ store: deps.incidents, sink: deps.sink, link: (e) => `${deps.baseUrl}/admin#${EVENT_TAB[e]}` });
    this.restoreCheckRun();
  }

  /** The first tick now (so default-password fires at start), then every ALERT_CHECK_SECONDS. */
  start(): void {
    this.stop();
    this.runTick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.open.saveLastSeen();
    } catch (err) {
      this.deps.logger.error({ err }, 'could not save when the open alerts were last seen');
    }
  }

  /** ALERT_CHECK_SECONDS changed: the next tick waits the new interval from now. */
  reschedule(): void {
    if (this.timer) this.schedule();
  }

  /** A finished check run (CheckService reports each). */
  checkRunFinished(run: CheckRun): void {
    this.snapshots.checkRunFinished(run);
  }

  /** One evaluation of every rule; synchronous, so tests may call it with their own clock. */
  tick(now = Date.now()): PoolSnapshot {
    const snapshot = this.snapshots.take(now, (s) => (this.deps.rules.get(BATCH_EVENT[s]).params as BatchParams).windowMinutes * 60_000);
    for (const event of ALERT_EVENTS) {
      const rule = this.deps.rules.get(event);
      try {
        this.open.apply(rule, rule.enabled ? DETECTORS[event](snapshot, rule) : [], now);
      } catch (err) {
        this.deps.logger.error({ err, event }, 'alert rule failed');
      }
    }
    this.last = snapshot;
    return snapshot;
  }

  /** What the last tick saw (the gauges read it at scrape time); null before the first. */
  get snapshot(): Readonly<PoolSnapshot> | null {
    return this.last;
  }

  /** Open incidents of `event` now. */
  firing(event: AlertEvent): number {
    return this.open.firing(event);
  }

  /** The gauges of the last tick (metrics.ts reads them at scrape time); null before the first. */
  gauges(): AlertGauges | null {
    const s = this.last;
    if (!s) return null;
    const firing = Object.fromEntries(ALERT_EVENTS.map((e) => [e, this.open.firing(e)]));
    return {
      firing,
      keysUsable: s.keys.usable,
      keysEnabled: s.keys.enabled,
      backoffSeconds: {
        'ip-blocked': Math.ceil(s.backoff['ip-blocked'] / 1000),
        'rate-limited': Math.ceil(s.backoff['rate-limited'] / 1000),
      },
      modelsCoolingAll: s.coolingAll.length,
      checkFailedRatio: s.checkRun ? s.checkRun.failed / s.checkRun.checked : 0,
      clientsOverBudget: s.overBudget.length,
      defaultPassword: s.defaultPassword,
    };
  }

  incidents(state: 'firing' | 'resolved' | undefined, limit: number): IncidentView[] {
    return this.open.withLastSeen(this.deps.incidents.list(state, limit));
  }

  private runTick(): void {
    try {
      this.tick();
    } catch (err) {
      this.deps.logger.error({ err }, 'alert check failed');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runTick(), this.deps.checkSeconds() * 1000);
    this.timer.unref();
  }

  /** An open check-failed incident keeps its run's numbers: after a restart it clears only after the next good run. */
  private restoreCheckRun(): void {
    const open = this.open.find('check-failed', '');
    if (!open) return;
    const { kind, checked, failed } = open.data;
    if (typeof checked === 'number' && typeof failed === 'number') this.snapshots.checkRunFinished({ kind: String(kind), checked, failed });
  }
}
