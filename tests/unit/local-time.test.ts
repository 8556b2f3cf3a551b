import { describe, expect, it } from 'vitest';
import { bucketStart, dateStart, DAY_MS, HOUR_MS, localDate, localHour } from '../../src/stats/local-time.js';

const at = (iso: string) => Date.parse(iso);

describe('days and hours in a fixed offset', () => {
  it('a China day starts at 16:00 UTC the day before', () => {
    expect(bucketStart(at('2026-03-01T15:59:59.999Z'), DAY_MS, 480)).toBe(at('2026-02-28T16:00:00Z'));
    expect(bucketStart(at('2026-03-01T16:00:00Z'), DAY_MS, 480)).toBe(at('2026-03-01T16:00:00Z'));
    expect(localDate(at('2026-03-01T16:00:00Z'), 480)).toBe('2026-03-02');
  });

  it('west of UTC and in half-hour offsets alike', () => {
    expect(bucketStart(at('2026-03-01T04:59:59Z'), DAY_MS, -300)).toBe(at('2026-02-28T05:00:00Z'));
    expect(bucketStart(at('2026-03-01T10:45:00Z'), HOUR_MS, 330)).toBe(at('2026-03-01T10:30:00Z'));
    expect(localHour(at('2026-03-01T10:30:00Z'), 330)).toBe('2026-03-01 16:00');
  });

  it('a date is its local midnight; a date that does not exist is none', () => {
    expect(dateStart('2026-03-01', 480)).toBe(at('2026-02-28T16:00:00Z'));
    expect(dateStart('2026-03-01', 0)).toBe(at('2026-03-01T00:00:00Z'));
    expect(dateStart('2026-02-30', 480)).toBeUndefined();
    expect(dateStart('2026-13-01', 480)).toBeUndefined();
  });
});
