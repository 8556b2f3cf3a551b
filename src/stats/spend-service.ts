import type { BalanceKind } from '../ledger/balance.js';
import { exactYuan } from '../ledger/money.js';
import type { SpendGroup, SpendRange, SpendStore, SpendSums } from '../logs/spend-store.js';
import {
  addSums,
  dailyChart,
  figuresOf,
  topModels,
  NO_SPEND,
  poolBalanceOf,
  round1,
  runwayOf,
  type PoolBalance,
  type Runway,
  type SpendFigures,
} from './spend-figures.js';
import { bucketStart, DAY_MS, HOUR_MS, localDate, localHour } from './local-time.js';

export const SPEND_GROUPINGS = ['day', 'hour', 'model', 'key', 'client'] as const;
export type SpendGroupBy = (typeof SPEND_GROUPINGS)[number];

/** `from` ≤ time < `to`, ms since epoch; days and hours are local to `tzOffsetMinutes` (minutes east of UTC). */
export type SpendQuery = SpendRange & { groupBy: SpendGroupBy; tzOffsetMinutes: number };

/**
 * A group: its day ("2026-03-01"), hour ("2026-03-01 08:00"), model, key id or client id — with when
 * it starts, the key's masked form, or the client's name (and whether it was deleted).
 */
export type SpendRow = SpendFigures & {
  group: string | number | null;
  start?: string;
  maskedKey?: string | null;
  clientName?: string | null;
  clientDeleted?: boolean;
};

export type SpendReport = {
  from: string;
  to: string;
  groupBy: SpendGroupBy;
  tzOffsetMinutes: number;
  rows: SpendRow[];
  totals: SpendFigures;
};

/** What the pool holds and how long it lasts: the user page, the overview and the metrics. */
export type PoolMoney = { balance: PoolBalance; runway: { gift: Runway; paid: Runway } };

const TOP = 10;
const CHART_MODELS = 5;
const BURN_WINDOW_MS = DAY_MS;
const SIZES = { day: DAY_MS, hour: HOUR_MS } as const;

/** The spend ledger read back: spend by time, model and key; the pool's balance, burn rate and runway. */
export class SpendService {
  constructor(
    private readonly store: SpendStore,
    private readonly now: () => number = Date.now,
  ) {}

  report(q: SpendQuery): SpendReport {
    const range: SpendRange = { from: q.from, to: q.to, model: q.model, keyId: q.keyId, clientId: q.clientId };
    const byTime = q.groupBy === 'day' || q.groupBy === 'hour';
    const groups = this.store.groups(range, byTime ? this.timeGrouping(q) : (q.groupBy as 'model' | 'key' | 'client'));
    const rows = this.rowsOf(groups, q);
    return {
      from: new Date(q.from).toISOString(),
      to: new Date(q.to).toISOString(),
      groupBy: q.groupBy,
      tzOffsetMinutes: q.tzOffsetMinutes,
      rows,
      // The groups cover the whole range: their sum is the total, without a second pass over the log.
      totals: figuresOf(sumOf(groups)),
    };
  }

  private rowsOf(groups: SpendGroup[], q: SpendQuery): SpendRow[] {
    switch (q.groupBy) {
      case 'model':
        return groups.map(rowOf);
      case 'key':
        return this.withMaskedKeys(groups);
      case 'client':
        return this.withClientNames(groups);
      default:
        return this.timeline(groups, q);
    }
  }

  private withClientNames(groups: SpendGroup[]): SpendRow[] {
    const names = this.store.clientNames(groups.flatMap((g) => (typeof g.group === 'number' ? [g.group] : [])));
    return groups.map(({ group, ...sums }) => {
      const client = typeof group === 'number' ? names.get(group) : undefined;
      return { group, clientName: client?.name ?? null, clientDeleted: client?.deleted ?? false, ...figuresOf(sums) };
    });
  }

  private timeGrouping(q: SpendQuery) {
    return { time: { sizeMs: SIZES[q.groupBy as keyof typeof SIZES], offsetMinutes: q.tzOffsetMinutes } };
  }

  /** Every day or hour of the range, empty ones included, so a chart's axis and an accounting sheet are even. */
  private timeline(groups: SpendGroup[], q: SpendQuery): SpendRow[] {
    const { sizeMs, offsetMinutes } = this.timeGrouping(q).time;
    const found = new Map(groups.map((g) => [g.group as number, g]));
    const label = q.groupBy === 'day' ? localDate : localHour;
    const rows: SpendRow[] = [];
    for (let at = bucketStart(q.from, sizeMs, offsetMinutes); at < q.to; at += sizeMs) {
      rows.push({ group: label(at, offsetMinutes), start: new Date(at).toISOString(), ...figuresOf(found.get(at) ?? NO_SPEND) });
    }
    return rows;
  }

  private withMaskedKeys(groups: SpendGroup[]): SpendRow[] {
    const masked = this.store.maskedKeys(groups.flatMap((g) => (typeof g.group === 'number' ? [g.group] : [])));
    return groups.map(({ group, ...sums }) => ({
      group,
      maskedKey: typeof group === 'number' ? (masked.get(group) ?? null) : null,
      ...figuresOf(sums),
    }));
  }

  /** The pool's balance over its enabled, valid keys, and the runway of each credit at the last 24 hours' rate. */
  pool(): PoolMoney {
    const now = this.now();
    const row = this.store.poolMoney(now - BURN_WINDOW_MS);
    return {
      balance: poolBalanceOf(row),
      runway: {
        gift: runwayOf(row.gift, row.giftBurn, BURN_WINDOW_MS, now),
        paid: runwayOf(row.paid, row.paidBurn, BURN_WINDOW_MS, now),
      },
    };
  }

  /** The figures /metrics exports, in yuan and hours; null = unknown (the series is left out). */
  gauges(): PoolGauges {
    const { balance, runway } = this.pool();
    const yuan = (text: string | null) => (text === null ? null : Number(text));
    return {
      balanceYuan: { gift: yuan(balance.gift.yuan), paid: yuan(balance.paid.yuan), total: yuan(balance.total.yuan) },
      runwayHours: { gift: runway.gift.hours, paid: runway.paid.hours },
    };
  }

  /**
   * The admin overview: spend today / 7 / 30 days (local calendar days, today included), the daily
   * spend by model, the top keys and models, the burn rate, the pool's balance and runway, and the
   * keys that run out first.
   */
  summary(tzOffsetMinutes: number) {
    const now = this.now();
    const today = bucketStart(now, DAY_MS, tzOffsetMinutes);
    const month: SpendRange = { from: today - 29 * DAY_MS, to: now + 1 };
    const days = this.store.byDayAndModel(month, tzOffsetMinutes);
    const since = (from: number) => ({ from: new Date(from).toISOString(), ...figuresOf(sumOf(days.filter((d) => d.day >= from))) });
    return {
      at: new Date(now).toISOString(),
      tzOffsetMinutes,
      spend: { today: since(today), last7Days: since(today - 6 * DAY_MS), last30Days: since(month.from) },
      daily: dailyChart(days, month.from, 30, tzOffsetMinutes, CHART_MODELS),
      topModels: topModels(days, TOP).map(rowOf),
      topKeys: this.withMaskedKeys(this.store.groups(month, 'key', TOP)),
      burn: this.burn(now),
      ...this.pool(),
      runningOut: this.runningOut(now, tzOffsetMinutes),
    };
  }

  /** Spend per hour over the last 24 hours, pool-wide (every key, whatever is known of its balance). */
  private burn(now: number) {
    const s = this.store.totals({ from: now - BURN_WINDOW_MS, to: now + 1 });
    const perHour = (nano: number) => exactYuan(Math.round((nano * HOUR_MS) / BURN_WINDOW_MS));
    return {
      since: new Date(now - BURN_WINDOW_MS).toISOString(),
      kind: figuresOf(s).kind,
      perHour: { cost: perHour(s.cost), gift: perHour(s.gift), paid: perHour(s.paid), unknownCredit: perHour(s.unknownCredit) },
      unpricedRequests: s.unpricedRequests,
    };
  }

  private runningOut(now: number, tzOffsetMinutes: number) {
    return this.store.runningOut(now - DAY_MS, now - 7 * DAY_MS, TOP).map((r) => {
      const at = now + r.hours * HOUR_MS;
      const kind: BalanceKind = r.exact ? 'exact' : 'estimated';
      return {
        keyId: r.id,
        maskedKey: r.masked,
        balance: {
          yuan: exactYuan(r.total),
          kind,
          source: r.anchorSource,
          at: r.anchorAt === null ? null : new Date(r.anchorAt).toISOString(),
        },
        perHour: exactYuan(Math.round(r.perHour)),
        basis: r.basis,
        hours: round1(r.hours),
        at: new Date(at).toISOString(),
        date: localDate(at, tzOffsetMinutes),
      };
    });
  }
}

export type PoolGauges = {
  balanceYuan: Record<'gift' | 'paid' | 'total', number | null>;
  runwayHours: Record<'gift' | 'paid', number | null>;
};

const sumOf = (rows: SpendSums[]) => rows.reduce<SpendSums>(addSums, NO_SPEND);
const rowOf = ({ group, ...sums }: SpendGroup): SpendRow => ({ group, ...figuresOf(sums) });
