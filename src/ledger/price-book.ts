import { isPaidOnlyModel } from '../siliconflow/models.js';
import type { Metered } from './metered.js';
import type { Nano } from './money.js';
import { toPrice, type Price, type PriceText } from './price-table.js';

/** What a request cost: n¥, or null when the model has no price or the answer did not say what it used. */
export type Cost = { nano: Nano | null; paidOnly: boolean };

/**
 * The prices in force (the shipped table, with the admin's changes on top), by model. `Pro/<model>`
 * costs what `<model>` costs and is paid from paid credit only (docs/siliconflow.md). A lookup is
 * one Map.get: it runs for every /v1 request.
 */
export class PriceBook {
  private prices = new Map<string, Price>();

  constructor(texts: ReadonlyMap<string, PriceText> = new Map()) {
    this.replace(texts);
  }

  replace(texts: ReadonlyMap<string, PriceText>): void {
    this.prices = new Map([...texts].map(([model, text]) => [model, toPrice(text)]));
  }

  priceOf(model: string): Price | undefined {
    return this.prices.get(model) ?? (isPaidOnlyModel(model) ? this.prices.get(model.slice(4)) : undefined);
  }

  costOf(model: string | null, used: Metered): Cost {
    const paidOnly = model !== null && isPaidOnlyModel(model);
    const price = model === null ? undefined : this.priceOf(model);
    return { nano: price ? costWith(price, used) : null, paidOnly };
  }
}

/** Tokens × per-token price, images × per-image price …; null when the answer did not report the unit billed. */
export function costWith(price: Price, used: Metered): Nano | null {
  // A free model costs nothing whatever the answer reported (streams often carry no usage).
  if (price.input === 0 && price.output === 0 && price.item === 0) return 0;
  switch (price.unit) {
    case 'million-tokens':
      if (used.inputTokens === null && used.outputTokens === null) return null;
      return (used.inputTokens ?? 0) * price.input + (used.outputTokens ?? 0) * price.output;
    case 'million-utf8-bytes':
      return used.inputBytes === null ? null : used.inputBytes * price.input;
    case 'image':
      return used.images === null ? null : used.images * price.item;
    case 'video':
      // A video job is submitted, then fetched: the submit answer alone is one video.
      return price.item;
  }
}
