// @ts-check
// The settings tab's local budgets (ACCOUNT_LIMITS): each limited account × model with what it used in
// the current minute and China day against its limits (GET /admin/api/pool/limits), read from memory.
import { api } from './api.js';
import { handle } from './areas.js';
import { $, el, t, when } from './dom.js';

/** @typedef {import('./types.js').LimitsReport} LimitsReport @typedef {import('./types.js').LimitUse} LimitUse */
/** @typedef {import('./types.js').LimitFigure} LimitFigure */

export async function loadAccountLimits() {
  const report = /** @type {LimitsReport} */ (await api('GET', '/pool/limits'));
  const on = report.lines.length > 0;
  $('#account-limits-off').hidden = on;
  $('#account-limits-wrap').hidden = !on;
  $('#account-limits-body').replaceChildren(...report.pairs.map(row));
  $('#account-limits-more').textContent =
    report.total > report.pairs.length ? t('limits.more', { total: report.total, shown: report.pairs.length }) : '';
}

/** @param {LimitUse} u */
function row(u) {
  return el(
    'tr',
    {},
    el('td', {}, el('code', { text: u.account })),
    el('td', { title: t('limits.line', { line: u.line }) }, u.model),
    figure(u.rpm),
    figure(u.tpm),
    figure(u.rpd),
    el('td', u.blockedUntil ? { class: 'bad', text: when(u.blockedUntil) } : { text: '—' }),
  );
}

/** `used / limit`, or a dash for a limit the line does not set. @param {LimitFigure} f */
function figure(f) {
  return el('td', { text: f ? `${f.used.toLocaleString()} / ${f.limit.toLocaleString()}` : '—' });
}

export function initAccountLimits() {
  $('#account-limits-refresh').addEventListener('click', handle($('#tab-settings'), loadAccountLimits));
}
