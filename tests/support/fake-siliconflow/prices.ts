/**
 * The fake's own tariff: a copy of the shipped price table's figures (src/siliconflow/prices.json,
 * format described in src/ledger/price-table.ts) read with the fake's own code, plus what a test
 * changes: a price per model and an overcharge factor (real prices drift, vouchers exist).
 */
import shipped from '../../../src/siliconflow/prices.json' with { type: 'json' };
import { isPaidOnlyModel } from '../../../src/siliconflow/models.js';
import { parseNano } from './money.js';

export const FAKE_PRICE_UNITS = ['million-tokens', 'image', 'million-utf8-bytes', 'video'] as const;
export type FakePriceUnit = (typeof FAKE_PRICE_UNITS)[number];

/** A price as prices.json writes it: yuan as decimal strings, per million units or per item. */
export interface FakePriceText {
  unit: FakePriceUnit;
  input?: string;
  output?: string;
  price?: string;
  uncertain?: boolean;
}

/** n¥ per million input and output units (tokens or UTF-8 bytes), and n¥ per image or video. */
export interface FakePrice {
  unit: FakePriceUnit;
  perMillionInput: number;
  perMillionOutput: number;
  perItem: number;
}

/** The factor is kept in millionths so a cost is integer arithmetic: 1.10 is 1,100,000. */
export const PPM = 1_000_000;
const MAX_OVERCHARGE = 100;

export class FakeTariff {
  readonly #shipped: ReadonlyMap<string, FakePrice> = shippedPrices();
  readonly #overrides = new Map<string, FakePrice>();
  readonly #overrideTexts = new Map<string, FakePriceText>();
  #overchargePpm = PPM;

  /** `Pro/<model>` costs what `<model>` costs unless a price was set for the `Pro/` name itself. */
  priceOf(model: string): FakePrice | undefined {
    const own = this.#overrides.get(model) ?? this.#shipped.get(model);
    if (own || !isPaidOnlyModel(model)) return own;
    const base = model.slice('Pro/'.length);
    return this.#overrides.get(base) ?? this.#shipped.get(base);
  }

  /** A model without a price is free in the fake (it never invents a price), like one priced 0. */
  isFree(model: string): boolean {
    const price = this.priceOf(model);
    return !price || (price.perMillionInput === 0 && price.perMillionOutput === 0 && price.perItem === 0);
  }

  /** null drops the test's price, so the shipped one (or none) applies again. */
  setPrice(model: string, text: FakePriceText | null): void {
    if (text === null) {
      this.#overrides.delete(model);
      this.#overrideTexts.delete(model);
      return;
    }
    const price = parsePriceText(text);
    if (typeof price === 'string') throw new Error(`fake-siliconflow: price of ${model}: ${price}`);
    this.#overrides.set(model, price);
    this.#overrideTexts.set(model, { ...text });
  }

  /** The prices a test set, as it wrote them. */
  overrides(): Record<string, FakePriceText> {
    return Object.fromEntries(this.#overrideTexts);
  }

  /** The factor bills are multiplied by, e.g. 1.1. */
  get overcharge(): number {
    return this.#overchargePpm / PPM;
  }

  get overchargePpm(): number {
    return this.#overchargePpm;
  }

  /** 1 charges the table; 1.10 charges 10 % more. Rounded to the millionth. */
  setOvercharge(factor: number): void {
    const problem = overchargeProblem(factor);
    if (problem) throw new Error(`fake-siliconflow: ${problem}`);
    this.#overchargePpm = Math.round(factor * PPM);
  }
}

export function overchargeProblem(factor: unknown): string | undefined {
  const ok = typeof factor === 'number' && Number.isFinite(factor) && factor >= 0 && factor <= MAX_OVERCHARGE;
  return ok ? undefined : `overcharge must be a number from 0 to ${MAX_OVERCHARGE} (1 = the table, 1.1 = 10 % more)`;
}

/** Checks a price written like prices.json's; returns what is wrong with it as a string. */
export function parsePriceText(value: unknown): FakePrice | string {
  if (typeof value !== 'object' || value === null) return 'must be an object {unit, input, output} or {unit, price}';
  const { unit, input, output, price, uncertain, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unknown field(s): ${Object.keys(rest).join(', ')}`;
  if (!FAKE_PRICE_UNITS.includes(unit as FakePriceUnit)) return `unit must be one of ${FAKE_PRICE_UNITS.join(', ')}`;
  if (uncertain !== undefined && typeof uncertain !== 'boolean') return 'uncertain must be a boolean';
  const perItem = unit === 'image' || unit === 'video';
  if (perItem ? price === undefined : input === undefined) return `${perItem ? 'price' : 'input'} is required for the unit ${String(unit)}`;
  const amounts: Record<string, number> = {};
  for (const [name, text] of Object.entries({ input, output, price })) {
    const nano = text === undefined ? 0 : typeof text === 'string' ? parseNano(text) : undefined;
    if (nano === undefined || nano < 0) return `${name} must be a price in yuan such as "2" or "1.26", not negative`;
    amounts[name] = nano;
  }
  return {
    unit: unit as FakePriceUnit,
    perMillionInput: amounts.input ?? 0,
    perMillionOutput: amounts.output ?? 0,
    perItem: amounts.price ?? 0,
  };
}

function shippedPrices(): Map<string, FakePrice> {
  const prices = new Map<string, FakePrice>();
  for (const [model, text] of Object.entries(shipped.models as Record<string, unknown>)) {
    const price = parsePriceText(text);
    if (typeof price === 'string') throw new Error(`fake-siliconflow: prices.json, ${model}: ${price}`);
    prices.set(model, price);
  }
  return prices;
}
