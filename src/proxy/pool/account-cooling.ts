import type { RateLimit } from '../../siliconflow/rate-limits.js';
import type { AccountBlock } from './account-block.js';

/** One account kept from one model by SiliconFlow's 429, until `until` (ms since epoch). */
export type CoolingEntry = {
  readonly account: string;
  /** NO_MODEL for requests without a model. */
  readonly model: string;
  readonly until: number;
  /** The limit the 429 named; null = none named (Retry-After or COOLDOWN_SECONDS). */
  readonly limit: RateLimit | null;
  /** The 429 as lastError would show it, secrets redacted by whoever writes it out. */
  readonly reason: string;
};

/**
 * SiliconFlow limits per account × model (docs/siliconflow.md, "Rate limits"): a 429 on model A
 * cools that account for A only; its keys keep serving other models, other accounts keep serving A.
 * Held as a Map of Maps, so the pool's question per candidate key costs two lookups. Expired entries
 * are dropped when met and on each sweep; new ones wait in `unsaved` for CoolingSync to write.
 */
export class AccountCooling implements AccountBlock {
  private readonly byAccount = new Map<string, Map<string, CoolingEntry>>();
  private readonly unsaved: CoolingEntry[] = [];
  /** Some entry expired since the last sweep: its stored row can go. */
  private expired = false;
  /** Told of each new cool-down to write (CoolingSync arms its write then). */
  private whenUnsaved: () => void = () => {};

  blockedUntil(account: string, model: string, now: number): number {
    const models = this.byAccount.get(account);
    if (!models) return 0;
    const entry = models.get(model);
    if (!entry) return 0;
    if (entry.until > now) return entry.until;
    this.drop(models, entry);
    return 0;
  }

  /**
   * A 429: the account cools for the model. A longer cool-down already running stays (a request that
   * was in flight may bring an RPM 429 while the account cools for its RPD).
   */
  coolDown(entry: CoolingEntry): void {
    let models = this.byAccount.get(entry.account);
    if (!models) this.byAccount.set(entry.account, (models = new Map<string, CoolingEntry>()));
    const current = models.get(entry.model);
    if (current && current.until >= entry.until) return;
    models.set(entry.model, entry);
    this.unsaved.push(entry);
    this.whenUnsaved();
  }

  /** `listener` runs after each new cool-down that waits in `unsaved`. */
  onCoolDown(listener: () => void): void {
    this.whenUnsaved = listener;
  }

  /** When the first entry held now ends (Infinity: none), so the sweep can wait for exactly that. */
  nextEnd(): number {
    let first = Infinity;
    for (const models of this.byAccount.values()) for (const entry of models.values()) first = Math.min(first, entry.until);
    return first;
  }

  /** Entries read back at start (CoolingSync): already stored, so not unsaved. */
  load(entries: Iterable<CoolingEntry>, now: number): void {
    for (const e of entries) {
      if (e.until <= now) continue;
      let models = this.byAccount.get(e.account);
      if (!models) this.byAccount.set(e.account, (models = new Map<string, CoolingEntry>()));
      models.set(e.model, e);
    }
  }

  /** Drops expired entries; true when some expired since the last sweep (their rows can be deleted). */
  sweep(now: number): boolean {
    for (const models of this.byAccount.values()) {
      for (const entry of models.values()) if (entry.until <= now) this.drop(models, entry);
    }
    const expired = this.expired;
    this.expired = false;
    return expired;
  }

  /** What is cooling now, soonest over first. */
  list(now: number): CoolingEntry[] {
    const all = [...this.byAccount.values()].flatMap((models) => [...models.values()]).filter((e) => e.until > now);
    return all.sort((a, b) => a.until - b.until || a.account.localeCompare(b.account) || a.model.localeCompare(b.model));
  }

  /** The models `account` cools for now (empty when none). */
  ofAccount(account: string, now: number): CoolingEntry[] {
    const models = this.byAccount.get(account);
    if (!models) return [];
    return [...models.values()].filter((e) => e.until > now).sort((a, b) => a.until - b.until);
  }

  /** The account cools for at least one model now. */
  coolsAny(account: string, now: number): boolean {
    const models = this.byAccount.get(account);
    if (!models) return false;
    for (const entry of models.values()) if (entry.until > now) return true;
    return false;
  }

  /** New cool-downs since the last call, for CoolingSync to write; what is taken is the caller's. */
  takeUnsaved(): CoolingEntry[] {
    return this.unsaved.splice(0);
  }

  private drop(models: Map<string, CoolingEntry>, entry: CoolingEntry): void {
    models.delete(entry.model);
    if (models.size === 0) this.byAccount.delete(entry.account);
    this.expired = true;
  }
}
