import shipped from '../siliconflow/prices.json' with { type: 'json' };
import { priceTableSchema, type PriceTableText, type PriceText } from './price-table.js';

/**
 * The price table shipped with this version (src/siliconflow/prices.json: its date and where the
 * figures came from), validated once at start: a broken file is a bug of the release, not the admin's.
 */
export const SHIPPED_PRICES: Readonly<PriceTableText> = Object.freeze(priceTableSchema.parse(shipped));

export function shippedPriceMap(): Map<string, PriceText> {
  return new Map(Object.entries(SHIPPED_PRICES.models));
}
