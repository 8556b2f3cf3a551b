import { z } from 'zod';
import { parseYuan, type Nano } from './money.js';

/** How a model is billed: per million tokens (input and output), per image, per million UTF-8 bytes of input, per video. */
export const PRICE_UNITS = ['million-tokens', 'image', 'million-utf8-bytes', 'video'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

/** A price as people write it: yuan as decimal strings ("2", "1.26"); a per-million price has at most 3 decimals. */
export type PriceText = { unit: PriceUnit; input?: string; output?: string; price?: string; uncertain?: boolean };

/**
 * A price as the ledger counts it: n¥ per unit. ¥X per million is X·1000 n¥ per token or byte, an
 * integer when X has at most three decimals — so every cost is an exact integer.
 */
export type Price = { unit: PriceUnit; input: Nano; output: Nano; item: Nano; uncertain: boolean };

const yuanText = (maxDecimals: number) =>
  z.string().refine((v) => {
    const n = parseYuan(v, maxDecimals);
    return n !== undefined && n >= 0;
  }, `must be a price in yuan such as "2" or "1.26", not negative, at most ${maxDecimals} decimals`);

const PER_MILLION_DECIMALS = 3;
const PER_ITEM_DECIMALS = 9;

export const priceTextSchema = z
  .object({
    unit: z.enum(PRICE_UNITS, { message: `must be one of ${PRICE_UNITS.join(', ')}` }),
    input: yuanText(PER_MILLION_DECIMALS).optional(),
    output: yuanText(PER_MILLION_DECIMALS).optional(),
    price: yuanText(PER_ITEM_DECIMALS).optional(),
    uncertain: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const perItem = p.unit === 'image' || p.unit === 'video';
    if (perItem && p.price === undefined) ctx.addIssue({ code: 'custom', path: ['price'], message: `is required for the unit ${p.unit}` });
    if (!perItem && p.input === undefined) ctx.addIssue({ code: 'custom', path: ['input'], message: `is required for the unit ${p.unit}` });
  });

export const priceTableSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-02-15'),
  source: z.string().max(2000),
  currency: z.literal('CNY').optional(),
  units: z.record(z.string(), z.string()).optional(),
  models: z.record(z.string().min(1).max(200), priceTextSchema),
});
export type PriceTableText = z.infer<typeof priceTableSchema>;

/** The price text as counted. The text must have passed priceTextSchema. */
export function toPrice(text: PriceText): Price {
  const perMillion = (v: string | undefined) => (v === undefined ? 0 : parseYuan(v)! / 1_000_000);
  return {
    unit: text.unit,
    input: perMillion(text.input),
    output: perMillion(text.output),
    item: text.price === undefined ? 0 : parseYuan(text.price)!,
    uncertain: text.uncertain === true,
  };
}
