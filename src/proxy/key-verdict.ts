import { cooldownOf } from '../siliconflow/rate-limits.js';
import type { KeyAction } from './outcome.js';
import { NO_MODEL } from './pool/account-block.js';
import { accountOf, type PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import type { UpstreamHead } from './upstream-call.js';

/**
 * Tells the pool what an answer showed about the key: the `key` column of the outcome table.
 * `reason` is what the key's lastError shows (describeAnswer: with SiliconFlow's message, which
 * names the limit of a 429); `head` is absent when there was no answer; `paidOnly`: the model needs
 * paid credit (Pro/, or it answered 30011 on another key); `model`: the one the request named.
 */
export function recordVerdict(
  { pool, limits, cooling }: Pick<ProxyDeps, 'pool' | 'limits' | 'cooling'>,
  action: KeyAction,
  key: PoolKey,
  reason: string,
  head: UpstreamHead | undefined,
  paidOnly = false,
  model: string | null = null,
): void {
  switch (action) {
    case 'counted':
      return pool.counted(key);
    case 'served':
      pool.succeeded(key);
      if (paidOnly) pool.paidCreditShown(key);
      return;
    case 'invalid':
      return pool.markInvalid(key, reason);
    case 'exhausted':
      return pool.markExhausted(key, reason);
    case 'lacks-paid':
      return pool.markLacksPaid(key, reason);
    case 'cools-down': {
      // SiliconFlow limits the account per model: the account cools for this model only.
      const { until, limit } = cooldownOf(reason, head?.headers['retry-after'], Date.now(), limits.cooldownMs);
      cooling.coolDown({ account: accountOf(key), model: model || NO_MODEL, until, limit, reason });
      return pool.rateLimited(key, reason);
    }
    case 'troubled':
      return pool.troubled(key, reason, limits.errorAfterFailures);
    case 'untouched':
      return;
  }
}
