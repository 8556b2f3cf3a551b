import { describe, expect, it } from 'vitest';
import { formatBalance, formatRunway, formatters } from '../../public/js/format.js';

const words = { hours: '约 {n} 小时', days: '约 {n} 天', overAYear: '一年以上', unknown: '未知' };

describe('the ledger formatters the server and the browser share', () => {
  it('marks the ledger’s estimate with ≈, shows SiliconFlow’s exact figure as it is, and never shows unknown money as ¥0.00', () => {
    expect(formatBalance('12.5', 'estimated', '未知')).toBe('≈¥12.50');
    expect(formatBalance(12.5, 'exact', '未知')).toBe('¥12.50');
    expect(formatBalance('0.000000001', 'exact', '未知')).toBe('¥0.00');
    expect(formatBalance('1.005', 'estimated', '未知')).toBe('≈¥1.01'); // a float would say ¥1.00
    expect(formatBalance('-0.014', 'estimated', '未知')).toBe('≈-¥0.01');
    expect(formatBalance(null, 'unknown', '未知')).toBe('未知');
    expect(formatBalance('3', 'unknown', 'unknown')).toBe('unknown');
    expect(formatters({ unknown: 'unknown', never: 'never' }, 'utc').balance('7', 'estimated')).toBe('≈¥7.00');
  });

  it('a runway reads in hours under two days, in days beyond, whole from ten on', () => {
    expect(formatRunway(0.25, words)).toBe('约 0.3 小时');
    expect(formatRunway(47.9, words)).toBe('约 48 小时');
    expect(formatRunway(48, words)).toBe('约 2 天');
    expect(formatRunway(250, words)).toBe('约 10 天');
    expect(formatRunway(120, { ...words, days: 'about {n} days' })).toBe('about 5 days');
    expect(formatRunway(null, words)).toBe('未知');
    expect(formatRunway(365 * 24 - 1, words)).toBe('约 365 天');
    expect(formatRunway(365 * 24, words)).toBe('一年以上');
  });
});
