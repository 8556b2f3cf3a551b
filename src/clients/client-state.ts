import type { BlockList } from 'node:net';
import { compileIps, compileModels, type ModelRule } from './client-rules.js';
import { RpmWindow } from './rpm-window.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_NAME, type ClientSettings, type ClientUsage, type PeriodUsage } from './client-types.js';

/**
 * One client key as the /v1 proxy holds it: its settings with the rules compiled, and counters kept
 * in memory (spend, requests, tokens per period; the RPM window; requests in flight), written behind
 * by ClientSync. Mutated in place, so a settings change never loses the counters or the open slots.
 */
export class ClientState {
  settings!: ClientSettings;
  models: ModelRule = null;
  ips: BlockList | null = null;
  masked!: string;
  /** The `client` label of the metrics: the id, never the key ("default" for the admin's key). */
  readonly label: string;
  /** Requests in flight (admitted, not finished). */
  active = 0;
  /** The RPM limit's sliding minute (rpm-window.ts); null without a limit. */
  private rpm: RpmWindow | null = null;

  constructor(
    readonly id: number,
    settings: ClientSettings,
    masked: string,
    readonly usage: ClientUsage,
  ) {
    this.label = id === DEFAULT_CLIENT_ID ? DEFAULT_CLIENT_NAME : String(id);
    this.configure(settings, masked);
  }

  configure(settings: ClientSettings, masked: string): void {
    const rpmChanged = settings.rpm !== this.settings?.rpm;
    this.settings = settings;
    this.masked = masked;
    this.models = compileModels(settings.models);
    this.ips = compileIps(settings.allowedIps);
    if (rpmChanged) this.rpm = settings.rpm === null ? null : new RpmWindow(settings.rpm);
  }

  /** ms until the RPM window has room (0: now). */
  rpmWaitMs(now: number): number {
    return this.rpm?.waitMs(now) ?? 0;
  }

  takeRpmSlot(now: number): void {
    this.rpm?.take(now);
  }

  /** Starts a new China day or month when the current one is another (its counters go back to 0). */
  roll(day: number, month: number): void {
    if (this.usage.day.period !== day) reset(this.usage.day, day);
    if (this.usage.month.period !== month) reset(this.usage.month, month);
  }

  /** A finished request's cost and tokens, in every period (after roll()). */
  record(cost: number, tokens: number, now: number): void {
    add(this.usage.total, cost, tokens);
    add(this.usage.day, cost, tokens);
    add(this.usage.month, cost, tokens);
    this.usage.lastUsedAt = now;
  }
}

function reset(p: PeriodUsage, period: number): void {
  p.period = period;
  p.spent = 0;
  p.requests = 0;
  p.tokens = 0;
}

function add(p: PeriodUsage, cost: number, tokens: number): void {
  p.spent += cost;
  p.requests++;
  p.tokens += tokens;
}

/** A copy of the usage, for a write or a view that must not change under it. */
export function usageSnapshot(u: ClientUsage): ClientUsage {
  return { total: { ...u.total }, day: { ...u.day }, month: { ...u.month }, lastUsedAt: u.lastUsedAt };
}
