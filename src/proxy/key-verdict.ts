import type { KeyAction } from './outcome.js';
import type { PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import type { UpstreamHead } from './upstream-call.js';

/**
 * Tells the pool what an answer showed about the key: the `key` column of the outcome table.
 * `reason` is what the key's lastError shows; `head` is absent when there was no answer;
 * `paidOnly`: the model needs paid credit (Pro/, or it answered 30011 on another key).
 */
export function recordVerdict(
  { pool, limits }: Pick<ProxyDeps, 'pool' | 'limits'>,
  action: KeyAction,
  key: PoolKey,
  reason: string,
  head: UpstreamHead | undefined,
  paidOnly = false,
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
      const retryAfter = retryAfterMs(head?.headers['retry-after']);
      return pool.coolDown(key, Date.now() + (retryAfter ?? limits.cooldownMs), reason);
    }
    case 'troubled':
      return pool.troubled(key, reason, limits.errorAfterFailures);
    case 'untouched':
      return;
  }
}

/** Retry-After in seconds or as an HTTP date; SiliconFlow has not been seen sending it, but honour one. */
function retryAfterMs(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}
