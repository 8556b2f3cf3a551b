import type { IncomingMessage } from 'node:http';
import { nextDayStart, nextMonthStart } from './client-periods.js';
import type { ClientRegistry } from './client-registry.js';
import { ipAllowed, modelAllowed } from './client-rules.js';
import type { ClientState } from './client-state.js';
import type { BudgetPeriod } from './client-types.js';

/** Why a client key's request is refused; the proxy turns each into its answer (src/proxy/client-refusals.ts). */
export type Refusal =
  | { readonly reason: 'disabled' | 'ip-refused' | 'concurrency' }
  | { readonly reason: 'expired'; readonly at: number }
  | { readonly reason: 'model'; readonly model: string | null }
  | { readonly reason: 'unpriced'; readonly model: string }
  | { readonly reason: 'budget'; readonly period: BudgetPeriod; readonly limit: number; readonly resetsAt: number | null }
  | { readonly reason: 'rpm'; readonly retryAfterMs: number };

export type BudgetRefusal = Extract<Refusal, { reason: 'budget' }>;

const DISABLED: Refusal = { reason: 'disabled' };
const IP_REFUSED: Refusal = { reason: 'ip-refused' };
const CONCURRENCY: Refusal = { reason: 'concurrency' };

export type ClientGateDeps = {
  registry: ClientRegistry;
  /** The admin's own key (constant-time compare; no hash). */
  isAccessKey(token: string): boolean;
  /** Whether the price book prices the model: a budget can only count what has a price. */
  isPriced(model: string): boolean;
  /** The pool's free models now (the freeModels setting): what a "free models only" key may use. */
  freeModels(): readonly string[];
  /** The request's client address as TRUST_PROXY says (src/proxy/client-address.ts). */
  clientAddress(req: IncomingMessage): string | undefined;
};

/**
 * The /v1 checks of a client key, in order: who (401 unknown), may it (disabled, expired, address),
 * then, once the body named the model: the model, the budgets (the cost known so far: a request
 * that would overshoot is let through and counts in full), the RPM window and the concurrency.
 * Integer comparisons on the registry's state, no database, and no allocation when a request passes.
 */
export class ClientGate {
  private freeList: readonly string[] | undefined;
  private freeSet: ReadonlySet<string> = new Set();

  constructor(private readonly deps: ClientGateDeps) {}

  find(token: string): ClientState | undefined {
    return this.deps.isAccessKey(token) ? this.deps.registry.defaultClient : this.deps.registry.byToken(token);
  }

  /** Before the body is read: the key's own state and the caller's address. */
  checkKey(client: ClientState, req: IncomingMessage, now: number): Refusal | null {
    const s = client.settings;
    if (!s.enabled) return DISABLED;
    if (s.expiresAt !== null && now >= s.expiresAt) return { reason: 'expired', at: s.expiresAt };
    if (client.ips !== null && !ipAllowed(client.ips, this.deps.clientAddress(req))) return IP_REFUSED;
    return null;
  }

  /**
   * Once the body was read. `model` null with a body: a key limited to some models cannot be used to
   * send one the proxy cannot read the model of (SiliconFlow might read one all the same).
   * On success the request holds a concurrency slot until finished().
   */
  admit(client: ClientState, model: string | null, bodyBytes: number, now: number): Refusal | null {
    const refused = this.modelRefusal(client, model, bodyBytes) ?? this.unpricedRefusal(client, model) ?? this.budgetRefusal(client, now);
    if (refused) return refused;
    const wait = client.rpmWaitMs(now);
    if (wait > 0) return { reason: 'rpm', retryAfterMs: wait };
    const max = client.settings.maxConcurrent;
    if (max !== null && client.active >= max) return CONCURRENCY;
    client.takeRpmSlot(now);
    client.active++;
    return null;
  }

  /** The request is over, whatever its outcome: its slot is free, its cost and tokens are counted. */
  finished(client: ClientState, admitted: boolean, cost: number | null, tokens: number | null, now: number): void {
    if (!admitted) return;
    client.active--;
    this.deps.registry.rolled(client, now).record(cost ?? 0, tokens ?? 0, now);
    this.deps.registry.changed(client);
  }

  /** What GET /v1/models keeps for this key; null when it may use every model. */
  modelFilter(client: ClientState): ((model: string) => boolean) | null {
    if (client.models === null && !client.settings.freeOnly) return null;
    return (model) => this.modelOk(client, model);
  }

  private modelRefusal(client: ClientState, model: string | null, bodyBytes: number): Refusal | null {
    if (client.models === null && !client.settings.freeOnly) return null;
    if (model === null) return bodyBytes === 0 ? null : { reason: 'model', model: null };
    return this.modelOk(client, model) ? null : { reason: 'model', model };
  }

  private modelOk(client: ClientState, model: string): boolean {
    if (client.settings.freeOnly && !this.free().has(model)) return false;
    return modelAllowed(client.models, model);
  }

  private free(): ReadonlySet<string> {
    const list = this.deps.freeModels();
    if (list !== this.freeList) {
      this.freeList = list;
      this.freeSet = new Set(list);
    }
    return this.freeSet;
  }

  /**
   * A key with a budget and a model without a price: its cost would be unknown, so the budget could
   * not count it and the key would spend without limit. Refused until the admin prices the model.
   */
  private unpricedRefusal(client: ClientState, model: string | null): Refusal | null {
    const { day, month, total } = client.settings.budgets;
    if (model === null || (day === null && month === null && total === null)) return null;
    return this.deps.isPriced(model) ? null : { reason: 'unpriced', model };
  }

  private budgetRefusal(client: ClientState, now: number): Refusal | null {
    return budgetRefusal(this.deps.registry, client, now);
  }
}

/**
 * The budget a client key reached (day, month, total: the first that is), or null. The gate refuses
 * with it; the alert engine's client-budget rule asks the same question, so both agree.
 */
export function budgetRefusal(registry: Pick<ClientRegistry, 'rolled'>, client: ClientState, now: number): BudgetRefusal | null {
  const { day, month, total } = client.settings.budgets;
  if (day === null && month === null && total === null) return null;
  const usage = registry.rolled(client, now).usage;
  if (day !== null && usage.day.spent >= day) return { reason: 'budget', period: 'day', limit: day, resetsAt: nextDayStart(now) };
  if (month !== null && usage.month.spent >= month) {
    return { reason: 'budget', period: 'month', limit: month, resetsAt: nextMonthStart(now) };
  }
  if (total !== null && usage.total.spent >= total) return { reason: 'budget', period: 'total', limit: total, resetsAt: null };
  return null;
}
