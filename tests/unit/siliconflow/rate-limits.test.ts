import { afterEach, describe, expect, it } from 'vitest';
import { cooldownOf, rateLimitNamed, RATE_LIMITS, windowEnd } from '../../../src/siliconflow/rate-limits.js';

const at = (iso: string) => Date.parse(iso);
const message = (detail: string) => `Request was rejected due to rate limiting. Details: ${detail} limit reached.`;
const DEFAULT_MS = 60_000;

describe("the limit a 429's message names", () => {
  it.each(RATE_LIMITS)('%s', (limit) => {
    expect(rateLimitNamed(message(limit))).toBe(limit);
    expect(rateLimitNamed(`HTTP 429 (code 50602): ${message(limit)}`)).toBe(limit);
  });

  it('"Could only send 100 requests per day without real name verification" is RPD, with or without the name', () => {
    expect(rateLimitNamed('RPD limit reached. Could only send 100 requests per day without real name verification')).toBe('RPD');
    expect(rateLimitNamed('Could only send 100 requests per day without real name verification')).toBe('RPD');
  });

  it('a message naming no limit, or none at all, names none', () => {
    expect(rateLimitNamed('Request was rejected due to rate limiting.')).toBeNull();
    expect(rateLimitNamed('')).toBeNull();
    expect(rateLimitNamed('the RPMS were high')).toBeNull();
  });
});

describe('when each window ends', () => {
  const now = at('2026-03-01T04:25:17.250Z'); // 12:25:17 in China

  it.each([
    ['RPM', '2026-03-01T04:26:00Z'],
    ['TPM', '2026-03-01T04:26:00Z'],
    ['IPM', '2026-03-01T04:26:00Z'],
    ['RPH', '2026-03-01T05:00:00Z'],
    ['RPD', '2026-03-01T16:00:00Z'],
    ['TPD', '2026-03-01T16:00:00Z'],
    ['IPD', '2026-03-01T16:00:00Z'],
  ] as const)('%s: until %s', (limit, end) => {
    expect(windowEnd(limit, now)).toBe(at(end));
  });

  it('exactly on a minute or an hour, that one is used up: the next one', () => {
    expect(windowEnd('RPM', at('2026-03-01T04:26:00Z'))).toBe(at('2026-03-01T04:27:00Z'));
    expect(windowEnd('RPH', at('2026-03-01T05:00:00Z'))).toBe(at('2026-03-01T06:00:00Z'));
    expect(windowEnd('RPM', at('2026-03-01T04:26:59.999Z'))).toBe(at('2026-03-01T04:27:00Z'));
  });

  it('23:59:59 in China: the day ends a second later; at China midnight a whole new day', () => {
    expect(windowEnd('RPD', at('2026-03-01T15:59:59Z'))).toBe(at('2026-03-01T16:00:00Z'));
    expect(windowEnd('RPD', at('2026-03-01T16:00:00Z'))).toBe(at('2026-03-02T16:00:00Z'));
    // 00:30 UTC is already 08:30 the same day in China: midnight is that day's 16:00 UTC.
    expect(windowEnd('TPD', at('2026-03-01T00:30:00Z'))).toBe(at('2026-03-01T16:00:00Z'));
  });

  describe('whatever the server TZ', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it.each(['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'])('%s', (tz) => {
      process.env.TZ = tz;
      expect(new Date(at('2026-03-01T00:00:00Z')).getHours()).not.toBe(0); // the TZ really changed
      expect(windowEnd('RPD', at('2026-03-01T15:59:59Z'))).toBe(at('2026-03-01T16:00:00Z'));
      expect(windowEnd('RPH', at('2026-03-01T04:25:17Z'))).toBe(at('2026-03-01T05:00:00Z'));
      expect(windowEnd('RPM', at('2026-03-01T04:25:17Z'))).toBe(at('2026-03-01T04:26:00Z'));
    });
  });
});

describe("a 429's cool-down", () => {
  const now = at('2026-03-01T04:25:17Z');

  it('follows the named limit', () => {
    expect(cooldownOf(message('RPD'), undefined, now, DEFAULT_MS)).toEqual({ until: at('2026-03-01T16:00:00Z'), limit: 'RPD' });
  });

  it('an unknown limit: COOLDOWN_SECONDS', () => {
    expect(cooldownOf('Request was rejected due to rate limiting.', undefined, now, DEFAULT_MS)).toEqual({
      until: now + DEFAULT_MS,
      limit: null,
    });
  });

  it('a Retry-After header wins, in seconds or as a date; an unreadable one does not count', () => {
    expect(cooldownOf(message('RPD'), '7', now, DEFAULT_MS)).toEqual({ until: now + 7000, limit: 'RPD' });
    expect(cooldownOf(message('RPM'), ['3'], now, DEFAULT_MS).until).toBe(now + 3000);
    expect(cooldownOf('', new Date(now + 90_000).toUTCString(), now, DEFAULT_MS).until).toBe(now + 90_000);
    expect(cooldownOf(message('RPM'), 'soon', now, DEFAULT_MS).until).toBe(at('2026-03-01T04:26:00Z'));
  });
});
