import type { CheckRun } from '../balance/check-service.js';
import { budgetRefusal } from '../clients/client-gate.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { KeyEventStore } from '../keys/key-events.js';
import { exactYuan } from '../ledger/money.js';
import type { BackoffReason, PoolBackoff } from '../proxy/backoff.js';
import { NO_MODEL } from '../proxy/pool/account-block.js';
import type { AccountCooling } from '../proxy/pool/account-cooling.js';
import type { KeyPool } from '../proxy/pool/key-pool.js';
import type { Runway } from '../stats/spend-figures.js';
import { BATCHED, KeyBursts, type BatchedStatus, type BurstView } from './key-bursts.js';

/**
 * The runway is an SQL aggregate over every key and the last day's spend, so its cost grows with the
 * pool (about 0.2 s for 100,000 keys): it is read once a minute per 10,000 keys, and at least once a
 * minute. A runway is counted in hours, so a large pool's reading some minutes late changes nothing.
 */
const RUNWAY_EVERY_MS = 60_000;
const RUNWAY_KEYS_PER_MINUTE = 10_000;
export const runwayEveryMs = (keys: number) => RUNWAY_EVERY_MS * Math.max(1, Math.ceil(keys / RUNWAY_KEYS_PER_MINUTE));
/**
 * While nothing the runway reads has changed (no request logged, no key written), time alone can only
 * lengthen it — the last day's spend leaves the window, the money stays — so an idle pool's runway
 * cannot newly fall below a threshold: it is read again hourly, for an open runway-low to clear.
 */
export const RUNWAY_IDLE_EVERY_MS = 60 * 60_000;
/** Events read from `key_events` per page; a tick reads a few pages at most. */
const EVENTS_PAGE = 1000;
const EVENT_PAGES = 10;

/** A model every serving account cools for: how many accounts, and when the first of them is back. */
export type CoolingModel = { model: string; accounts: number; until: number };
/** A client key that reached a budget (money as decimal yuan strings). */
export type OverBudget = { id: number; name: string; period: string; limit: string; spent: string };

/** What the pool knows at one tick: what the detectors read and the gauges export. */
export type PoolSnapshot = {
  at: number;
  /** Keys in the pool; usable = enabled and active or error (the groups that serve any model). */
  keys: { total: number; usable: number; enabled: number };
  /** Read at most once a minute (less often for a large pool: runwayEveryMs); null until the first reading. */
  runway: { gift: Runway; paid: Runway } | null;
  bursts: Record<BatchedStatus, BurstView | null>;
  coolingAll: CoolingModel[];
  /** ms left of the pool-wide back-off, per reason. */
  backoff: Record<BackoffReason, number>;
  /** The last check run over 3 keys or more. */
  checkRun: CheckRun | null;
  overBudget: OverBudget[];
  defaultPassword: boolean;
};

/** Where a snapshot is read from: each the narrowest part of its service. */
export type SnapshotSources = {
  pool: Pick<KeyPool, 'size' | 'enabledCount' | 'availability' | 'servingAccounts' | 'get'>;
  runway: () => { gift: Runway; paid: Runway };
  /** A count that moves whenever something the runway reads may have changed (requests logged, keys written). */
  runwayInputs: () => number;
  /** Its `recorded` tells that new events may be waiting: a tick reads the table only then. */
  keyEvents: Pick<KeyEventStore, 'entered' | 'lastId' | 'events'>;
  cooling: Pick<AccountCooling, 'list'>;
  backoff: Pick<PoolBackoff, 'remainingOf'>;
  clients: Pick<ClientRegistry, 'all' | 'rolled'>;
  mustChangePassword: () => boolean;
};

/** Takes snapshots on the engine's tick; keeps what spans ticks (the runway reading, the bursts, the last run). */
export class Snapshotter {
  private runway: PoolSnapshot['runway'] = null;
  private runwayAt = -Infinity;
  /** runwayInputs() when the runway was last read. */
  private runwayRead = Number.NaN;
  private readonly bursts = new KeyBursts();
  private lastEventId: number | null = null;
  /** A key's status changed since the events were last read (or more pages of them wait). */
  private eventsWaiting = true;
  private checkRun: CheckRun | null = null;

  constructor(private readonly sources: SnapshotSources) {
    sources.keyEvents.events.on('recorded', () => (this.eventsWaiting = true));
  }

  /** A finished check run (runs of fewer than 3 keys say nothing about the pool and are left out). */
  checkRunFinished(run: CheckRun): void {
    if (run.checked >= 3) this.checkRun = run;
  }

  take(now: number, windowMs: (s: BatchedStatus) => number): PoolSnapshot {
    const { pool, backoff } = this.sources;
    this.readEvents(now, windowMs);
    const inStatus = (status: BatchedStatus) => (id: number) => {
      const k = pool.get(id);
      return k !== undefined && k.enabled && k.status === status;
    };
    return {
      at: now,
      keys: { total: pool.size, usable: pool.availability().usable, enabled: pool.enabledCount },
      runway: this.readRunway(now),
      bursts: {
        invalid: this.bursts.view('invalid', now, windowMs('invalid'), inStatus('invalid')),
        exhausted: this.bursts.view('exhausted', now, windowMs('exhausted'), inStatus('exhausted')),
      },
      coolingAll: this.coolingAll(now),
      backoff: { 'ip-blocked': backoff.remainingOf('ip-blocked', now), 'rate-limited': backoff.remainingOf('rate-limited', now) },
      checkRun: this.checkRun,
      overBudget: this.overBudget(now),
      defaultPassword: this.sources.mustChangePassword(),
    };
  }

  private readRunway(now: number) {
    const inputs = this.sources.runwayInputs();
    const every = inputs === this.runwayRead ? RUNWAY_IDLE_EVERY_MS : runwayEveryMs(this.sources.pool.size);
    if (now - this.runwayAt >= every) {
      this.runway = this.sources.runway();
      this.runwayAt = now;
      this.runwayRead = inputs;
    }
    return this.runway;
  }

  /**
   * New arrivals since the last tick; at the first, those of the last window (a restart keeps its
   * bursts). Every status change is recorded through KeyEventStore.track, which emits `recorded`: with
   * none since the last read, the table has nothing new and is not read.
   */
  private readEvents(now: number, windowMs: (s: BatchedStatus) => number): void {
    if (!this.eventsWaiting) return;
    const { keyEvents } = this.sources;
    let after = this.lastEventId;
    let since = 0;
    if (after === null) {
      this.lastEventId = keyEvents.lastId();
      after = 0;
      since = now - Math.max(...BATCHED.map(windowMs));
    }
    for (let page = 0; page < EVENT_PAGES; page++) {
      const events = keyEvents.entered(BATCHED, after, since, EVENTS_PAGE);
      this.bursts.add(events, windowMs);
      if (events.length) after = events[events.length - 1]!.id;
      this.lastEventId = Math.max(this.lastEventId!, after);
      // Fewer than a page: all read. EVENT_PAGES full pages: the rest at the next tick.
      if (events.length < EVENTS_PAGE) {
        this.eventsWaiting = false;
        return;
      }
    }
  }

  /** Models that every account serving now cools for (requests naming no model are left out). */
  private coolingAll(now: number): CoolingModel[] {
    const serving = this.sources.pool.servingAccounts();
    if (serving.size === 0) return [];
    const byModel = new Map<string, CoolingModel>();
    for (const e of this.sources.cooling.list(now)) {
      if (e.model === NO_MODEL || !serving.has(e.account)) continue;
      const m = byModel.get(e.model);
      if (m) {
        m.accounts++;
        m.until = Math.min(m.until, e.until);
      } else byModel.set(e.model, { model: e.model, accounts: 1, until: e.until });
    }
    return [...byModel.values()].filter((m) => m.accounts === serving.size);
  }

  private overBudget(now: number): OverBudget[] {
    const { clients } = this.sources;
    const out: OverBudget[] = [];
    for (const client of clients.all()) {
      if (!client.settings.enabled) continue;
      const refused = budgetRefusal(clients, client, now);
      if (!refused) continue;
      const spent = client.usage[refused.period].spent;
      out.push({
        id: client.id,
        name: client.settings.name,
        period: refused.period,
        limit: exactYuan(refused.limit),
        spent: exactYuan(spent),
      });
    }
    return out;
  }
}
