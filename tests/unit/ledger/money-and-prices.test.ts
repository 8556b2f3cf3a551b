import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTHING_METERED } from '../../../src/ledger/metered.js';
import { exactYuan, formatYuan, parseYuan, yuan } from '../../../src/ledger/money.js';
import { PriceBook } from '../../../src/ledger/price-book.js';
import { priceTableSchema, type PriceText } from '../../../src/ledger/price-table.js';
import { projectRoot } from '../../../src/paths.js';

const metered = (m: Partial<typeof NOTHING_METERED>) => ({ ...NOTHING_METERED, ...m });

describe('money in nano-yuan', () => {
  it.each([
    ['14', 14_000_000_000],
    ['0.88', 880_000_000],
    ['-0.01', -10_000_000],
    ['1.26', 1_260_000_000],
    ['0.000000001', 1],
  ])('parses %j exactly', (text, nano) => {
    expect(parseYuan(text)).toBe(nano);
  });

  it.each(['', 'abc', '1.2.3', '1e3', '0.0000000001', '¥1'])('refuses %j', (text) => {
    expect(parseYuan(text)).toBeUndefined();
  });

  it('formats to the fen, half away from zero, and exactly when asked', () => {
    expect(formatYuan(13_235_000_000)).toBe('13.24');
    expect(formatYuan(-10_000_000)).toBe('-0.01');
    expect(formatYuan(4_999_999)).toBe('0.00');
    expect(yuan(880_000_000)).toBe(0.88);
    expect(yuan(null)).toBeNull();
    expect(exactYuan(12_000)).toBe('0.000012');
    expect(exactYuan(14_000_000_000)).toBe('14');
  });

  it('sums a million small costs without drift', () => {
    let total = 0;
    for (let i = 0; i < 1_000_000; i++) total += 2_000 * 7 + 8_000 * 3; // 7 input and 3 output tokens of DeepSeek-V3
    expect(exactYuan(total)).toBe('38');
  });
});

describe('the price book', () => {
  const book = new PriceBook(
    new Map<string, PriceText>([
      ['deepseek-ai/DeepSeek-V3', { unit: 'million-tokens', input: '2', output: '8' }],
      ['Qwen/Qwen3-30B-A3B', { unit: 'million-tokens', input: '1.26', output: '1.26' }],
      ['Qwen/Qwen3-Embedding-8B', { unit: 'million-tokens', input: '0.28' }],
      ['black-forest-labs/FLUX.1-dev', { unit: 'image', price: '0.14' }],
      ['FunAudioLLM/CosyVoice2-0.5B', { unit: 'million-utf8-bytes', input: '50' }],
      ['Qwen/Qwen3-8B', { unit: 'million-tokens', input: '0', output: '0' }],
    ]),
  );

  it('prices tokens, reasoning included in the output, exactly', () => {
    expect(book.costOf('deepseek-ai/DeepSeek-V3', metered({ inputTokens: 1000, outputTokens: 250 }))).toEqual({
      nano: 4_000_000,
      paidOnly: false,
    });
    expect(book.costOf('Qwen/Qwen3-30B-A3B', metered({ inputTokens: 1, outputTokens: 0 })).nano).toBe(1_260);
    expect(book.costOf('Qwen/Qwen3-Embedding-8B', metered({ inputTokens: 10 })).nano).toBe(2_800);
  });

  it('prices images per image and speech per million UTF-8 bytes', () => {
    expect(book.costOf('black-forest-labs/FLUX.1-dev', metered({ images: 3 })).nano).toBe(420_000_000);
    expect(book.costOf('FunAudioLLM/CosyVoice2-0.5B', metered({ inputBytes: 12 })).nano).toBe(600_000);
  });

  it('Pro/<model> costs what <model> costs, paid credit only', () => {
    expect(book.costOf('Pro/deepseek-ai/DeepSeek-V3', metered({ inputTokens: 1000, outputTokens: 250 }))).toEqual({
      nano: 4_000_000,
      paidOnly: true,
    });
  });

  it('an unpriced model, or an answer without usage, has an unknown cost — never 0', () => {
    expect(book.costOf('some/new-model', metered({ inputTokens: 10 })).nano).toBeNull();
    expect(book.costOf(null, metered({ inputTokens: 10 })).nano).toBeNull();
    expect(book.costOf('deepseek-ai/DeepSeek-V3', NOTHING_METERED).nano).toBeNull();
  });

  it('a free model costs 0 even when the answer reported no usage', () => {
    expect(book.costOf('Qwen/Qwen3-8B', NOTHING_METERED).nano).toBe(0);
  });
});

describe('the shipped price table', () => {
  const table = priceTableSchema.parse(JSON.parse(readFileSync(join(projectRoot, 'src/siliconflow/prices.json'), 'utf8')));

  it('has a date and a source, and every price is valid', () => {
    expect(table.date).toMatch(/^2026-/);
    expect(table.source).toMatch(/SiliconFlow/);
    expect(Object.keys(table.models).length).toBeGreaterThan(20);
  });

  it('prices the main paid models as surveyed in February 2026', () => {
    expect(table.models['deepseek-ai/DeepSeek-V3']).toEqual({ unit: 'million-tokens', input: '2', output: '8' });
    expect(table.models['deepseek-ai/DeepSeek-R1']).toEqual({ unit: 'million-tokens', input: '4', output: '16' });
  });

  it('refuses a price with more than three decimals per million, a negative price, or a missing one', () => {
    const bad = (models: unknown) => priceTableSchema.safeParse({ date: '2026-02-15', source: 'x', models }).success;
    expect(bad({ m: { unit: 'million-tokens', input: '1.2345' } })).toBe(false);
    expect(bad({ m: { unit: 'million-tokens', input: '-1' } })).toBe(false);
    expect(bad({ m: { unit: 'image' } })).toBe(false);
    expect(bad({ m: { unit: 'image', price: '0.14' } })).toBe(true);
  });
});
