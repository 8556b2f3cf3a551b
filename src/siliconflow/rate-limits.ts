/**
 * SiliconFlow's 429 and how long it lasts (docs/siliconflow.md, "Rate limits"). The message names the
 * limit that was hit — "Request was rejected due to rate limiting. Details: RPD limit reached." — and
 * each limit is counted over a window that ends at a known moment: the minute, the hour, or the day
 * in China (UTC+8, whatever the server's TZ). Pure functions: the clock is passed in.
 */

/** Requests, tokens and images per minute, hour or day. */
export const RATE_LIMITS = ['RPM', 'RPH', 'RPD', 'TPM', 'TPD', 'IPM', 'IPD'] as const;
export type RateLimit = (typeof RATE_LIMITS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time has no daylight saving: midnight there is always 16:00 UTC. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

const NAMED = /\b(RPM|RPH|RPD|TPM|TPD|IPM|IPD)\b/;
/** "Could only send 100 requests per day without real name verification": a daily request limit. */
const PER_DAY = /requests per day/i;

/** The limit a 429's message names, or null when it names none. */
export function rateLimitNamed(message: string): RateLimit | null {
  const named = NAMED.exec(message);
  if (named) return named[1] as RateLimit;
  return PER_DAY.test(message) ? 'RPD' : null;
}

/** When the window of `limit` that contains `now` is over: the next minute, hour or China midnight. */
export function windowEnd(limit: RateLimit, now: number): number {
  switch (limit) {
    case 'RPM':
    case 'TPM':
    case 'IPM':
      return nextMultiple(now, MINUTE_MS, 0);
    case 'RPH':
      return nextMultiple(now, HOUR_MS, 0);
    case 'RPD':
    case 'TPD':
    case 'IPD':
      return nextMultiple(now, DAY_MS, CHINA_OFFSET_MS);
  }
}

/**
 * The first boundary strictly after `now` (a 429 at 12:00:00.000 used that minute up). Whole hours
 * are whole hours in China too; days are shifted by the offset.
 */
function nextMultiple(now: number, unit: number, offset: number): number {
  return Math.floor((now + offset) / unit) * unit + unit - offset;
}

/** A 429's cool-down: until when, and the limit it follows (null: Retry-After or the default). */
export type Cooldown = { until: number; limit: RateLimit | null };

/**
 * How long a 429 keeps its account from the model: a Retry-After header wins (SiliconFlow has not
 * been seen sending one, but it would know best), then the limit its message names, then `defaultMs`
 * (COOLDOWN_SECONDS).
 */
export function cooldownOf(message: string, retryAfter: string | string[] | undefined, now: number, defaultMs: number): Cooldown {
  const limit = rateLimitNamed(message);
  const header = retryAfterMs(retryAfter, now);
  if (header !== null) return { until: now + header, limit };
  return { until: limit ? windowEnd(limit, now) : now + defaultMs, limit };
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
