// @ts-check
// The ledger's money as the API sends it — exact decimal yuan strings such as "3.260000001"
// (src/ledger/money.ts) — rounded for display with integer arithmetic, never through a float: the
// figures a page shows agree to the fen with the CSV an accountant sums. Plain ECMAScript, no DOM.

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;
/** The API's strings carry at most nine decimals (nano-yuan). */
const MAX_PLACES = 9;

/**
 * The decimal string rounded to `places` decimals, half away from zero (as the server rounds).
 * @param {string} text
 * @param {number} places
 */
export function roundDecimal(text, places) {
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, minus = '', whole = '0', fraction = ''] = match;
  const kept = BigInt(whole + fraction.padEnd(places, '0').slice(0, places));
  const rounded = kept + ((fraction[places] ?? '0') >= '5' ? 1n : 0n);
  const digits = rounded.toString().padStart(places + 1, '0');
  const sign = minus && rounded !== 0n ? '-' : '';
  return places === 0 ? sign + digits : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/**
 * "¥3.26": two decimals; an amount under a fen that is not zero keeps two significant digits
 * ("¥0.00013"), since one chat call costs a fraction of a fen and "¥0.00" would read as free.
 * @param {string} text an exact decimal yuan string
 */
export function yuanText(text) {
  const match = DECIMAL.exec(text);
  if (!match) return text;
  const [, , whole = '0', fraction = ''] = match;
  const firstDigit = fraction.search(/[1-9]/);
  const small = whole.replace(/^0+/, '') === '' && firstDigit >= 2;
  return `¥${roundDecimal(text, small ? Math.min(firstDigit + 2, MAX_PLACES) : 2)}`.replace('¥-', '-¥');
}
