import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/db/database.js';
import { NOTHING_METERED } from '../../../src/ledger/metered.js';
import { PriceService } from '../../../src/ledger/price-service.js';
import { PriceStore } from '../../../src/ledger/price-store.js';
import type { PriceTableText } from '../../../src/ledger/price-table.js';
import { silentLogger } from '../../../src/logger.js';

const SHIPPED: PriceTableText = {
  date: '2026-02-15',
  source: 'the pricing page.',
  currency: 'CNY',
  models: {
    'deepseek-ai/DeepSeek-V3': { unit: 'million-tokens', input: '2', output: '8' },
    'BAAI/bge-m3': { unit: 'million-tokens', input: '0', uncertain: true },
    'black-forest-labs/FLUX.1-dev': { unit: 'image', price: '0.14' },
  },
};
const tokens = (inputTokens: number, outputTokens: number) => ({ ...NOTHING_METERED, inputTokens, outputTokens });
const DAY = Date.UTC(2026, 2, 1, 12);

let db: Db;
let prices: PriceService;
beforeEach(() => {
  db = openDatabase(':memory:');
  prices = new PriceService(new PriceStore(db), silentLogger, SHIPPED);
});
afterEach(() => db.close());

describe('the price service', () => {
  it('lists the shipped table with its date and source when the admin has set nothing', () => {
    expect(prices.list()).toEqual({
      date: '2026-02-15',
      source: 'the pricing page.',
      models: [
        { model: 'deepseek-ai/DeepSeek-V3', unit: 'million-tokens', input: '2', output: '8', uncertain: false, source: 'shipped' },
        { model: 'BAAI/bge-m3', unit: 'million-tokens', input: '0', uncertain: true, source: 'shipped' },
        { model: 'black-forest-labs/FLUX.1-dev', unit: 'image', price: '0.14', uncertain: false, source: 'shipped' },
      ],
    });
    expect(prices.book.costOf('deepseek-ai/DeepSeek-V3', tokens(1000, 0)).nano).toBe(2_000_000);
  });

  it('an admin price overrides the shipped one in place and the book prices with it at once', () => {
    const entry = prices.set('deepseek-ai/DeepSeek-V3', { unit: 'million-tokens', input: '3', output: '9' }, DAY);
    expect(entry).toEqual({
      model: 'deepseek-ai/DeepSeek-V3',
      unit: 'million-tokens',
      input: '3',
      output: '9',
      uncertain: false,
      source: 'admin',
      updatedAt: new Date(DAY).toISOString(),
      shipped: { unit: 'million-tokens', input: '2', output: '8' },
    });
    expect(prices.list().models[0]).toEqual(entry);
    expect(prices.book.costOf('deepseek-ai/DeepSeek-V3', tokens(1000, 0)).nano).toBe(3_000_000);
    // Pro/ costs what the model costs.
    expect(prices.book.costOf('Pro/deepseek-ai/DeepSeek-V3', tokens(0, 1000))).toEqual({ nano: 9_000_000, paidOnly: true });
  });

  it('adds a model the table does not know, after the shipped ones', () => {
    expect(prices.book.costOf('acme/new-model', tokens(10, 10)).nano).toBeNull();
    prices.set('acme/new-model', { unit: 'million-tokens', input: '1', output: '1' });
    expect(prices.list().models.map((m) => m.model)).toEqual([
      'deepseek-ai/DeepSeek-V3',
      'BAAI/bge-m3',
      'black-forest-labs/FLUX.1-dev',
      'acme/new-model',
    ]);
    expect(prices.book.costOf('acme/new-model', tokens(10, 10)).nano).toBe(20_000);
  });

  it('reset goes back to the shipped price, or to no price for a model the admin added', () => {
    prices.set('deepseek-ai/DeepSeek-V3', { unit: 'million-tokens', input: '3', output: '9' });
    prices.set('acme/new-model', { unit: 'image', price: '1' });
    expect(prices.reset('deepseek-ai/DeepSeek-V3')).toMatchObject({ source: 'shipped', input: '2' });
    expect(prices.reset('acme/new-model')).toBeNull();
    expect(prices.book.costOf('deepseek-ai/DeepSeek-V3', tokens(1000, 0)).nano).toBe(2_000_000);
    expect(prices.book.priceOf('acme/new-model')).toBeUndefined();
    expect(() => prices.reset('acme/new-model')).toThrow(expect.objectContaining({ status: 404, code: 'price-not-found' }));
  });

  it('keeps the admin prices across a restart (a new service on the same database)', () => {
    prices.set('deepseek-ai/DeepSeek-V3', { unit: 'million-tokens', input: '3', output: '9' });
    const again = new PriceService(new PriceStore(db), silentLogger, SHIPPED);
    expect(again.book.costOf('deepseek-ai/DeepSeek-V3', tokens(1000, 0)).nano).toBe(3_000_000);
  });

  it('ignores a stored price that is not valid, and the shipped one applies', () => {
    db.prepare('INSERT INTO prices (model, price, updated_at) VALUES (?, ?, ?)').run('deepseek-ai/DeepSeek-V3', '{"unit":"per-hour"}', 1);
    const again = new PriceService(new PriceStore(db), silentLogger, SHIPPED);
    expect(again.list().models[0]).toMatchObject({ source: 'shipped', input: '2' });
  });
});

describe('export and import', () => {
  it('exports the table in force in the shipped format, dated by the latest admin change', () => {
    prices.set('acme/new-model', { unit: 'image', price: '1' }, DAY);
    const table = prices.exportTable();
    expect(table).toMatchObject({ date: '2026-03-01', currency: 'CNY' });
    expect(table.source).toContain('With 1 prices set by the admin, the latest on 2026-03-01.');
    expect(table.models).toEqual({ ...SHIPPED.models, 'acme/new-model': { unit: 'image', price: '1' } });
  });

  it('an export imported back stores nothing: every entry equals the shipped one', () => {
    const result = prices.importTable(prices.exportTable());
    expect(result).toEqual({ models: 3, sameAsShipped: 3, adminPrices: 0, replaced: 0 });
    expect(prices.list().models.every((m) => m.source === 'shipped')).toBe(true);
  });

  it('keeps the entries that differ from the shipped table ("2.00" equals "2"), replacing the admin prices before', () => {
    prices.set('old/model', { unit: 'image', price: '5' });
    const result = prices.importTable({
      date: '2026-03-01',
      source: 'edited by hand',
      models: {
        'deepseek-ai/DeepSeek-V3': { unit: 'million-tokens', input: '2.00', output: '8' },
        'BAAI/bge-m3': { unit: 'million-tokens', input: '0' },
        'acme/new-model': { unit: 'million-utf8-bytes', input: '12' },
      },
    });
    expect(result).toEqual({ models: 3, sameAsShipped: 1, adminPrices: 2, replaced: 1 });
    // bge-m3 without "uncertain" is the admin confirming it; FLUX, left out, keeps its shipped price.
    expect(prices.list().models.map((m) => [m.model, m.source])).toEqual([
      ['deepseek-ai/DeepSeek-V3', 'shipped'],
      ['BAAI/bge-m3', 'admin'],
      ['black-forest-labs/FLUX.1-dev', 'shipped'],
      ['acme/new-model', 'admin'],
    ]);
    expect(prices.book.priceOf('old/model')).toBeUndefined();
  });

  it.each([
    [{ models: {} }, /^date: /],
    [
      { date: '2026-03-01', source: 's', models: { 'a/b.1': { unit: 'million-tokens', input: 'two' } } },
      /^models\["a\/b\.1"\]\.input: must be a price/,
    ],
    [
      { date: '2026-03-01', source: 's', models: { 'a/b': { unit: 'image', input: '1', price: '1' } } },
      /^models\["a\/b"\]\.input: is not used for the unit image/,
    ],
    [{ date: '2026-03-01', source: 's', models: { 'a/b': { unit: 'per-hour', input: '1' } } }, /^models\["a\/b"\]\.unit: must be one of/],
    [{ date: '2026-03-01', source: 's', models: { 'a/b': { unit: 'image' } } }, /^models\["a\/b"\]\.price: is required/],
    [{ date: '2026-03-01', source: 's', models: { 'a b': { unit: 'image', price: '1' } } }, /^models\["a b"\]/],
  ])('refuses a bad table with the model and field in the message, storing nothing (%#)', (table, message) => {
    prices.set('kept/model', { unit: 'image', price: '5' });
    expect(() => prices.importTable(table)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid-price-table', message: expect.stringMatching(message) }),
    );
    expect(
      prices
        .list()
        .models.filter((m) => m.source === 'admin')
        .map((m) => m.model),
    ).toEqual(['kept/model']);
  });
});
