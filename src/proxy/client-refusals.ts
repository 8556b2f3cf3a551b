import type { Refusal } from '../clients/client-gate.js';
import { exactYuan } from '../ledger/money.js';
import type { Ending } from './own-answers.js';
import { PROXY_CODES } from './proxy-errors.js';

/** A budget that resets within this long gets a Retry-After (a monthly one late in the month, every daily one). */
const RETRY_AFTER_WITHIN_MS = 24 * 60 * 60 * 1000;
const BUDGET_NAMES = { day: ['今日', "today's"], month: ['本月', "this month's"], total: ['总', 'total'] } as const;

const ended = (
  status: number,
  code: number,
  errorClass: string,
  message: string,
  details: Record<string, unknown>,
  headers?: Record<string, string>,
): Ending => ({ kind: 'ended', status, errorClass, error: { code, message, headers, details: { reason: errorClass, ...details } } });

const DISABLED = ended(401, PROXY_CODES.clientDisabled, 'client-disabled', '此客户端密钥已被停用。This client key is disabled.', {});
const IP_REFUSED = ended(
  403,
  PROXY_CODES.clientIpRefused,
  'client-ip-refused',
  '此客户端密钥不允许从你的地址使用。This client key may not be used from your address.',
  {},
);
const CONCURRENCY = ended(
  429,
  PROXY_CODES.clientConcurrency,
  'client-concurrency',
  '此客户端密钥同时进行的请求已达上限，请稍后重试。This client key has too many requests in flight; retry shortly.',
  {},
  { 'retry-after': '1' },
);

/**
 * A client key's refusal as the proxy answers it (docs/proxy.md, "Client keys"): each reason its own
 * numeric code and error class, the OpenAI error type from the status, and the facts a client acts
 * on (the model, the budget and when it resets, how long to wait).
 */
export function clientRefusal(refusal: Refusal): Ending {
  switch (refusal.reason) {
    case 'disabled':
      return DISABLED;
    case 'ip-refused':
      return IP_REFUSED;
    case 'concurrency':
      return CONCURRENCY;
    case 'expired': {
      const at = new Date(refusal.at).toISOString();
      return ended(401, PROXY_CODES.clientExpired, 'client-expired', `此客户端密钥已于 ${at} 过期。This client key expired at ${at}.`, {
        expiredAt: at,
      });
    }
    case 'model': {
      const name = refusal.model ?? '(none)';
      const message =
        refusal.model === null
          ? '此客户端密钥只能使用指定的模型，但请求里读不出模型名。This client key is limited to some models, and the request names none the proxy can read.'
          : `此客户端密钥不能使用模型 "${name}"，可用的模型见 GET /v1/models。This client key may not use the model "${name}": GET /v1/models lists the ones it may.`;
      return ended(403, PROXY_CODES.clientModelRefused, 'client-model-refused', message, { model: refusal.model });
    }
    case 'unpriced':
      return ended(
        403,
        PROXY_CODES.clientUnpriced,
        'client-model-unpriced',
        `模型 "${refusal.model}" 在价格表中没有价格，无法计入此客户端密钥的预算；请管理员为它设置价格。` +
          `The model "${refusal.model}" has no price in the price table, so it cannot count against this client key's budget; the admin can set its price.`,
        { model: refusal.model },
      );
    case 'budget':
      return budgetRefusal(refusal);
    case 'rpm': {
      const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
      return ended(
        429,
        PROXY_CODES.clientRpm,
        'client-rpm',
        `此客户端密钥每分钟的请求数已达上限，请 ${seconds} 秒后重试。This client key reached its requests per minute; retry in ${seconds} s.`,
        {},
        { 'retry-after': String(seconds) },
      );
    }
  }
}

function budgetRefusal(r: Extract<Refusal, { reason: 'budget' }>): Ending {
  const [zh, en] = BUDGET_NAMES[r.period];
  const limit = exactYuan(r.limit);
  const resetsAt = r.resetsAt === null ? null : new Date(r.resetsAt).toISOString();
  const when = resetsAt === null ? ['，不会自动恢复', ' and does not reset'] : [`，${resetsAt} 恢复`, `; it resets at ${resetsAt}`];
  const waitMs = r.resetsAt === null ? Infinity : r.resetsAt - Date.now();
  const headers = waitMs <= RETRY_AFTER_WITHIN_MS ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } : undefined;
  return ended(
    429,
    PROXY_CODES.clientBudget,
    'client-budget',
    `此客户端密钥的${zh}预算 ¥${limit} 已用完${when[0]}。This client key's ${en} budget of ¥${limit} is spent${when[1]}.`,
    { budget: r.period, limit, resetsAt },
    // SDKs retry a 429 within seconds whatever Retry-After says; a budget comes back in hours at the
    // soonest (a total one never), so they are told not to. Retry-After still says when.
    { ...headers, 'x-should-retry': 'false' },
  );
}
