// @ts-check
// Money, rates and times, formatted in one place: the server's templates (src/pages/page-locals.ts
// loads this very file) and the browser's scripts both call these. Plain ECMAScript, neither DOM nor
// Node, so both type-checks (tsconfig.json and tsconfig.browser.json) hold it to that.
import { roundDecimal } from './exact-yuan.js';

/**
 * Yuan with two decimals; `unknown` (in the page's language) when no balance is known — never ¥0.00,
 * which would read as an empty pool.
 * @param {number | null} yuan
 * @param {string} unknown
 */
export function formatMoney(yuan, unknown) {
  return yuan === null ? unknown : `¥${yuan.toFixed(2)}`;
}

/**
 * A share from 0 to 1 as a percentage with one decimal; a dash when there was nothing to count.
 * @param {number | null} rate
 */
export function formatPercent(rate) {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/**
 * A moment the API gives as ISO 8601. The server cannot know the reader's time zone, so it writes UTC
 * and says so; the browser writes the reader's own.
 * @param {string | null} iso
 * @param {string} never what a moment that never happened reads as, in the page's language
 * @param {'utc' | 'local'} zone
 */
export function formatTime(iso, never, zone) {
  if (iso === null) return never;
  if (zone === 'utc') return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  return new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * The hour of a chart's bucket, in the reader's time zone.
 * @param {string} iso
 */
export function formatHour(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The formatters one page uses, bound to its language's words for "unknown" and "never".
 * @param {{ unknown: string; never: string }} words
 * @param {'utc' | 'local'} zone
 */
export function formatters(words, zone) {
  return {
    /** @param {number | null} yuan */
    money: (yuan) => formatMoney(yuan, words.unknown),
    /** @param {number | string | null} yuan @param {BalanceKind} kind */
    balance: (yuan, kind) => formatBalance(yuan, kind, words.unknown),
    percent: formatPercent,
    /** @param {string | null} iso */
    when: (iso) => formatTime(iso, words.never, zone),
  };
}

/** @typedef {'exact' | 'estimated' | 'unknown'} BalanceKind */

/**
 * Money with what is known of it: "≈¥12.50" for the ledger's estimate, "¥12.50" for SiliconFlow's own
 * figure, `unknown` when nothing is known. Yuan as a number or as the API's exact decimal string.
 * @param {number | string | null} yuan
 * @param {BalanceKind} kind
 * @param {string} unknown
 */
export function formatBalance(yuan, kind, unknown) {
  if (yuan === null || kind === 'unknown') return unknown;
  // The API's exact decimal strings are rounded as decimals; a float would show 1.005 as ¥1.00.
  const text = typeof yuan === 'string' ? `¥${roundDecimal(yuan, 2)}`.replace('¥-', '-¥') : formatMoney(yuan, unknown);
  return kind === 'estimated' ? `≈${text}` : text;
}

/** Beyond a year, "N days" says more than anyone knows: prices and pools change sooner. */
const YEAR_HOURS = 365 * 24;

/**
 * How long money lasts, in the page's words: hours under two days, days beyond (one decimal under
 * ten, whole above), `overAYear` from a year on; `unknown` for null.
 * @param {number | null} hours
 * @param {{ hours: string; days: string; overAYear: string; unknown: string }} words with `{n}` for the number: "约 {n} 天"
 */
export function formatRunway(hours, words) {
  if (hours === null) return words.unknown;
  if (hours >= YEAR_HOURS) return words.overAYear;
  /** @param {number} n */
  const round = (n) => (n < 10 ? Math.round(n * 10) / 10 : Math.round(n));
  return hours < 48 ? words.hours.replace('{n}', String(round(hours))) : words.days.replace('{n}', String(round(hours / 24)));
}
