/**
 * Money is counted in integer nano-yuan (1 ¥ = 10⁹ n¥) and never in floats: a price of ¥1.26 per
 * million tokens is 1,260 n¥ per token, so every cost is an exact integer sum (docs/ledger.md). A
 * JavaScript number holds integers exactly up to 9·10¹⁵ n¥ — nine million yuan, far above a pool's money.
 */
export type Nano = number;

export const NANO_PER_YUAN = 1_000_000_000;
const DECIMALS = 9;

/** `"14"`, `"0.88"`, `"-0.01"` (balances can be negative) → n¥. Undefined for anything else. */
export function parseYuan(text: string, maxDecimals = DECIMALS): Nano | undefined {
  const match = /^(-)?(\d{1,9})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  if (fraction.length > maxDecimals) return undefined;
  const nano = Number(whole) * NANO_PER_YUAN + Number(fraction.padEnd(DECIMALS, '0'));
  return minus ? -nano : nano;
}

/** n¥ → a decimal string with `decimals` places, rounded half away from zero (display only). */
export function formatYuan(nano: Nano, decimals = 2): string {
  const step = 10 ** (DECIMALS - decimals);
  const rounded = Math.round(Math.abs(nano) / step) * step;
  const whole = Math.floor(rounded / NANO_PER_YUAN);
  const fraction = String(rounded % NANO_PER_YUAN)
    .padStart(DECIMALS, '0')
    .slice(0, decimals);
  const sign = nano < 0 && rounded !== 0 ? '-' : '';
  return decimals > 0 ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** n¥ → yuan as a JSON number rounded to the fen (what the API shows); null stays null. */
export function yuan(nano: Nano | null): number | null {
  return nano === null ? null : Number(formatYuan(nano, 2));
}

/** n¥ → the exact decimal string, trailing zeros trimmed ("0.000012"), for sums and exports. */
export function exactYuan(nano: Nano): string {
  const text = formatYuan(nano, DECIMALS);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
