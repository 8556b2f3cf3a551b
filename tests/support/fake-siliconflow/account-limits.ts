/**
 * SiliconFlow limits each account per model (docs/siliconflow.md, "Rate limits"): a test tells the
 * fake that one account has hit its limit for one model, and every key of that account then answers
 * 429 for that model — the other models and the other accounts are served as usual.
 */
import { CODE_RATE_LIMITED } from '../../../src/siliconflow/errors.js';
import { fakeAccountId } from './account.js';
import type { FakeContext } from './context.js';
import { sendUpstreamError } from './errors.js';

/** The model under which requests that name none (GET /v1/models…) are limited. */
export const NO_MODEL = '';

export class AccountLimits {
  /** account → model → the limit's detail ("RPM", or a whole sentence). */
  private readonly limits = new Map<string, Map<string, string>>();

  /** `detail` null lifts the limit. */
  set(account: string, model: string, detail: string | null): void {
    const models = this.limits.get(account) ?? new Map<string, string>();
    if (detail === null) models.delete(model);
    else models.set(model, detail);
    if (models.size) this.limits.set(account, models);
    else this.limits.delete(account);
  }

  get empty(): boolean {
    return this.limits.size === 0;
  }

  detailOf(account: string, model: string): string | undefined {
    return this.limits.get(account)?.get(model);
  }

  describe(): { account: string; model: string; detail: string }[] {
    return [...this.limits].flatMap(([account, models]) => [...models].map(([model, detail]) => ({ account, model, detail })));
  }
}

/**
 * The upstream's 429 for a limited account — `{"code":50602,"message":"Request was rejected due to
 * rate limiting. Details: RPM limit reached.","data":null}` — answered before the key's own behavior;
 * true when it answered. A detail that is not a bare limit name is sent as written.
 */
export function answerAccountLimit(limits: AccountLimits, ctx: FakeContext, model: () => string | undefined): boolean {
  // The body is read for its model only when some account is limited: the benchmark's upstream stays as fast.
  if (limits.empty || ctx.key === null || !ctx.state) return false;
  const detail = limits.detailOf(fakeAccountId(ctx.key, ctx.state), model() ?? NO_MODEL);
  if (detail === undefined) return false;
  const text = /^[A-Z]{3}$/.test(detail) ? `${detail} limit reached.` : detail;
  sendUpstreamError(ctx.res, {
    status: 429,
    code: CODE_RATE_LIMITED,
    message: `Request was rejected due to rate limiting. Details: ${text}`,
  });
  return true;
}
