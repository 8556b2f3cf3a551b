// @ts-check
// The ledger's figures in words, for the overview and the spend tab: money with its kind (≈ for an
// estimate, "unknown" never as ¥0), unpriced usage apart, ages, and how long the credit lasts.
import { yuanText } from '../exact-yuan.js';
import { formatRunway } from '../format.js';
import { t } from './dom.js';

/** @typedef {import('./types.js').MoneyKind} MoneyKind @typedef {import('./types.js').SpendFigures} SpendFigures */
/** @typedef {import('./types.js').PoolCredit} PoolCredit @typedef {import('./types.js').Runway} Runway */

/**
 * Money with its kind: "≈¥0.0042" for an estimate (spend priced from the table, the ledger's
 * balance), "¥14.00" when exact (SiliconFlow's figure, or nothing spent), and "unknown" — never
 * ¥0 — when nothing is known (no balance; only requests without a price).
 * @param {string | null} yuan
 * @param {MoneyKind} kind
 */
export function moneyText(yuan, kind) {
  if (yuan === null || kind === 'unknown') return t('unknown');
  return kind === 'estimated' ? `≈${yuanText(yuan)}` : yuanText(yuan);
}

/** The days are the browser's own: the server counts them from the offset it is sent (minutes east of UTC). */
export const tzOffsetMinutes = () => -new Date().getTimezoneOffset();

/** @param {number} n */
export const count = (n) => n.toLocaleString();

/**
 * A text about `n` things, `{n}` filled in: its `.one` variant for exactly one ("1 request").
 * @param {string} key
 * @param {number} n
 * @param {import('../texts.js').TextParams} [params]
 */
export const counted = (key, n, params = {}) => t(n === 1 ? `${key}.one` : key, { ...params, n: count(n) });

/**
 * "gift ≈¥1.20 · paid ≈¥0.30", with the part whose credit is unknown when there is one.
 * @param {SpendFigures} f
 */
export function splitText(f) {
  const parts = [t('spend.split', { gift: moneyText(f.gift, f.kind), paid: moneyText(f.paid, f.kind) })];
  if (f.unknownCredit !== '0') parts.push(t('spend.unknownCredit', { money: moneyText(f.unknownCredit, f.kind) }));
  return parts.join(' · ');
}

/**
 * The requests without a price, counted with their tokens; empty when there were none.
 * @param {SpendFigures} f
 */
export function unpricedText(f) {
  const { requests, inputTokens, outputTokens } = f.unpriced;
  return requests ? counted('spend.unpriced', requests, { tokens: count(inputTokens + outputTokens) }) : '';
}

/**
 * "3 min ago" in the page's language.
 * @param {string} iso
 * @param {number} [now]
 */
export function ageText(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return t('spend.ageNow');
  if (minutes < 60) return t('spend.ageMinutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? t('spend.ageHours', { n: hours }) : t('spend.ageDays', { n: Math.floor(hours / 24) });
}

/**
 * What is known of a figure: "exact, 3 min ago", "estimated", "unknown".
 * @param {MoneyKind} kind
 * @param {string | null} [at] when SiliconFlow said it, for an exact figure
 */
export function kindText(kind, at) {
  if (kind === 'unknown') return t('unknown');
  if (kind === 'estimated') return t('spend.kindEstimated');
  return at ? t('spend.kindExactAt', { age: ageText(at) }) : t('spend.kindExact');
}

/** @param {number} hours */
export const durationText = (hours) =>
  // The words keep their {n} for formatRunway to fill.
  formatRunway(hours, {
    hours: t('spend.hours', { n: '{n}' }),
    days: t('spend.days', { n: '{n}' }),
    overAYear: t('spend.overAYear'),
    unknown: t('unknown'),
  });

/**
 * "At the current rate the gift credit lasts about 12 days, the paid credit about 40 days." — with
 * the honest words when a credit is not being spent, or nothing is known of it.
 * @param {{ gift: Runway; paid: Runway }} runway
 */
export function runwaySentence({ gift, paid }) {
  const unknown = (/** @type {Runway} */ r) => r.kind === 'unknown' && r.reason === 'no-balance';
  if (unknown(gift) && unknown(paid)) return t('spend.runwayNoBalance');
  const giftText = clause(gift, 'spend.runwayGift', 'spend.runwayGiftIdle', 'spend.runwayGiftUnknown');
  // "…, the paid credit about M days" reads on from "the gift credit lasts"; after anything else it says "lasts" itself.
  const paidLasts = gift.kind === 'estimated' ? 'spend.runwayPaidToo' : 'spend.runwayPaid';
  return t('spend.runway', { gift: giftText, paid: clause(paid, paidLasts, 'spend.runwayPaidIdle', 'spend.runwayPaidUnknown') });
}

/**
 * @param {Runway} r
 * @param {string} lasts
 * @param {string} idle
 * @param {string} unknown
 */
function clause(r, lasts, idle, unknown) {
  if (r.kind === 'estimated') return t(lasts, { time: durationText(r.hours) });
  return t(r.reason === 'no-spend' ? idle : unknown);
}
