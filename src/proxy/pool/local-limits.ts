import type { Limits } from '../../config/limit-lines.js';
import { limitLineText } from '../../config/limit-lines.js';
import { CHINA_OFFSET_MINUTES, DAY_MS } from '../../stats/local-time.js';
import type { AccountBlock } from './account-block.js';
import { LimitRules, type Resolved } from './limit-rules.js';
import { accountOf, type PoolKey } from './pool-key.js';

const MINUTE_MS = 60_000;
const CHINA_OFFSET_MS = CHINA_OFFSET_MINUTES * MINUTE_MS;
/**
 * Account × model pairs kept before the stale ones (no use today) are dropped: model names come from
 * clients, so the map would otherwise grow with every made-up name. The next sweep waits until the
 * map has doubled, so a day of many real pairs costs one sweep per doubling, not one per new pair.
 */
const SWEEP_PAIRS = 200_000;
/** The admin's list shows at most this many pairs, the busiest first. */
const MAX_REPORTED = 1000;

/** What an account used of one model in the current windows: requests this minute and China day, tokens this minute. */
class Use {
  minute = 0;
  minuteRequests = 0;
  minuteTokens = 0;
  day = 0;
  dayRequests = 0;

  constructor(public resolved: Resolved | null) {}

  /** Starts a new window when `now` is past the current one: counters reset by the clock, never by a timer. */
  roll(now: number): void {
    const minute = now - (now % MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minuteRequests = 0;
      this.minuteTokens = 0;
    }
    const day = chinaDayStart(now);
    if (day !== this.day) {
      this.day = day;
      this.dayRequests = 0;
    }
  }
}

/** The start (ms since epoch) of the China day (UTC+8) holding `now`: RPD resets at the China midnight. */
export function chinaDayStart(now: number): number {
  return Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
}

/** One account × model for the admin: the use in the current windows against the limits (a null limit is none). */
export type LimitUse = {
  account: string;
  model: string;
  /** The ACCOUNT_LIMITS line that applies. */
  line: string;
  rpm: { used: number; limit: number } | null;
  tpm: { used: number; limit: number } | null;
  rpd: { used: number; limit: number } | null;
  /** ISO time when the pool uses the account for the model again; null = it may now. */
  blockedUntil: string | null;
};

/**
 * The admin's local budgets (ACCOUNT_LIMITS) as an AccountBlock: per account × model, the requests in
 * the current minute and China day and the tokens in the current minute. A request counts when the
 * pool hands a key out for it (noteUse, once per attempt); tokens when its answer's usage is known
 * (noteTokens), so answers still in flight can take an account past its TPM, and the next request then
 * waits for the next minute. Every question is two Map lookups and arithmetic, with nothing allocated
 * once the pair has been seen; off (no lines), each is one comparison.
 */
export class LocalLimits implements AccountBlock {
  private rules = new LimitRules([]);
  private readonly uses = new Map<string, Map<string, Use>>();
  private pairs = 0;
  private sweepAt = SWEEP_PAIRS;

  /** The ACCOUNT_LIMITS lines (a runtime setting): applied at once; what was counted stays counted. */
  useLines(lines: readonly string[]): void {
    this.rules = new LimitRules(lines);
    if (this.rules.empty) {
      this.uses.clear();
      this.pairs = 0;
      return;
    }
    for (const [account, byModel] of this.uses) for (const [model, use] of byModel) use.resolved = this.rules.resolve(account, model);
  }

  blockedUntil(account: string, model: string, now: number): number {
    if (this.rules.empty) return 0;
    const use = this.useOf(account, model, now);
    if (!use.resolved) return 0;
    use.roll(now);
    return blockedBy(use, use.resolved.limits);
  }

  /** The pool handed `key` out for a request for `model`: one request, in this minute and this China day. */
  noteUse(key: Pick<PoolKey, 'id' | 'account'>, model: string | null, now = Date.now()): void {
    if (this.rules.empty || model === null) return;
    const use = this.useOf(accountOf(key), model, now);
    if (!use.resolved) return;
    use.roll(now);
    use.minuteRequests++;
    use.dayRequests++;
  }

  /** An answer of `key` for `model` reported its usage: the tokens count in this minute. */
  noteTokens(key: Pick<PoolKey, 'id' | 'account'>, model: string | null, tokens: number, now = Date.now()): void {
    if (this.rules.empty || model === null || !(tokens > 0)) return;
    const use = this.useOf(accountOf(key), model, now);
    if (!use.resolved) return;
    use.roll(now);
    use.minuteTokens += tokens;
  }

  /**
   * Every account × model a line limits that the pool has met, and those an account's own line names
   * exactly (used or not), with the use in the current windows: for GET /admin/api/pool/limits.
   */
  report(now = Date.now()): { lines: string[]; pairs: LimitUse[]; total: number } {
    const pairs: LimitUse[] = [];
    for (const [account, byModel] of this.uses)
      for (const [model, use] of byModel) if (use.resolved) pairs.push(useReport(account, model, use, use.resolved, now));
    for (const line of this.rules.lines) {
      if (line.account === '*' || line.model === '*' || line.model.endsWith('/*') || this.uses.get(line.account)?.has(line.model)) continue;
      const resolved = this.rules.resolve(line.account, line.model);
      if (resolved) pairs.push(useReport(line.account, line.model, new Use(resolved), resolved, now));
    }
    pairs.sort((a, b) => (b.rpd?.used ?? 0) + (b.rpm?.used ?? 0) - ((a.rpd?.used ?? 0) + (a.rpm?.used ?? 0)) || byName(a, b));
    return { lines: this.rules.lines.map(limitLineText), pairs: pairs.slice(0, MAX_REPORTED), total: pairs.length };
  }

  /** The pair's counters, made the first time it is met (what a line says for it is resolved then, once). */
  private useOf(account: string, model: string, now: number): Use {
    const use = this.uses.get(account)?.get(model);
    if (use) return use;
    if (this.pairs >= this.sweepAt) {
      this.dropStale(now);
      this.sweepAt = Math.max(SWEEP_PAIRS, this.pairs * 2);
    }
    // Looked up again: the sweep may have dropped the account's map.
    let byModel = this.uses.get(account);
    if (!byModel) this.uses.set(account, (byModel = new Map<string, Use>()));
    const made = new Use(this.rules.resolve(account, model));
    byModel.set(model, made);
    this.pairs++;
    return made;
  }

  /** Forgets the pairs not used this China day (and those no line limits): they hold nothing a limit needs. */
  private dropStale(now: number): void {
    const today = chinaDayStart(now);
    for (const [account, byModel] of this.uses) {
      for (const [model, use] of byModel) {
        if (use.resolved && use.day === today) continue;
        byModel.delete(model);
        this.pairs--;
      }
      if (byModel.size === 0) this.uses.delete(account);
    }
  }
}

/** When the pair may be used again: the next minute for RPM and TPM, the next China midnight for RPD; 0 = now. */
function blockedBy(use: Use, limits: Limits): number {
  if (limits.rpd > 0 && use.dayRequests >= limits.rpd) return use.day + DAY_MS;
  if ((limits.rpm > 0 && use.minuteRequests >= limits.rpm) || (limits.tpm > 0 && use.minuteTokens >= limits.tpm))
    return use.minute + MINUTE_MS;
  return 0;
}

function useReport(account: string, model: string, use: Use, resolved: Resolved, now: number): LimitUse {
  use.roll(now);
  const { limits } = resolved;
  const until = blockedBy(use, limits);
  const of = (used: number, limit: number) => (limit > 0 ? { used, limit } : null);
  return {
    account,
    model,
    line: limitLineText(resolved.line),
    rpm: of(use.minuteRequests, limits.rpm),
    tpm: of(use.minuteTokens, limits.tpm),
    rpd: of(use.dayRequests, limits.rpd),
    blockedUntil: until > now ? new Date(until).toISOString() : null,
  };
}

const byName = (a: LimitUse, b: LimitUse) => a.account.localeCompare(b.account) || a.model.localeCompare(b.model);
