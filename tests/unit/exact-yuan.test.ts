import { describe, expect, it } from 'vitest';
import { roundDecimal, yuanText } from '../../public/js/exact-yuan.js';

describe("the ledger's exact yuan strings, rounded for display without floats", () => {
  it('rounds half away from zero at any place, as the server does', () => {
    expect(roundDecimal('3.260000001', 2)).toBe('3.26');
    expect(roundDecimal('1.005', 2)).toBe('1.01'); // a float would say 1.00
    expect(roundDecimal('0.125', 2)).toBe('0.13');
    expect(roundDecimal('-0.015', 2)).toBe('-0.02');
    expect(roundDecimal('-0.004', 2)).toBe('0.00');
    expect(roundDecimal('9.999', 2)).toBe('10.00');
    expect(roundDecimal('14', 2)).toBe('14.00');
    expect(roundDecimal('2.5', 0)).toBe('3');
  });

  it('shows yuan with two decimals, and an amount under a fen with two significant digits instead of ¥0.00', () => {
    expect(yuanText('3.260000001')).toBe('¥3.26');
    expect(yuanText('0')).toBe('¥0.00');
    expect(yuanText('0.000126')).toBe('¥0.00013');
    expect(yuanText('0.0099')).toBe('¥0.0099');
    expect(yuanText('0.000000001')).toBe('¥0.000000001');
    expect(yuanText('0.01')).toBe('¥0.01');
    expect(yuanText('-0.01')).toBe('-¥0.01');
    expect(yuanText('123456789.994')).toBe('¥123456789.99');
  });
});
