import { describe, expect, it } from 'vitest';
import { formatMoney, formatPercent, formatTime, formatters } from '../../public/js/format.js';

describe('the formatters the server and the browser share', () => {
  it('money has two decimals, and an unknown balance reads as unknown, never ¥0.00', () => {
    expect(formatMoney(12.5, '未知')).toBe('¥12.50');
    expect(formatMoney(0, '未知')).toBe('¥0.00');
    expect(formatMoney(null, '未知')).toBe('未知');
  });

  it('a rate is a percentage with one decimal, a dash when nothing was counted', () => {
    expect(formatPercent(0.9876)).toBe('98.8%');
    expect(formatPercent(null)).toBe('—');
  });

  it('the server writes times in UTC and says so; a time that never was reads as never', () => {
    expect(formatTime('2024-05-06T07:08:09.000Z', 'never', 'utc')).toBe('2024-05-06 07:08 UTC');
    expect(formatTime(null, '从未', 'utc')).toBe('从未');
  });

  it('formatters binds a page language’s words', () => {
    const { money, when } = formatters({ unknown: 'unknown', never: 'never' }, 'utc');
    expect(money(null)).toBe('unknown');
    expect(when(null)).toBe('never');
  });
});
