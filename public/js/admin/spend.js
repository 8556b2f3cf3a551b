// @ts-check
// The spend tab: the ledger's spend over a time range, for one model or key or all, grouped by day,
// hour, model or key, with its totals and the same report as a CSV for accounting.
import { api, download } from './api.js';
import { attempt, handle } from './areas.js';
import { $, el, t } from './dom.js';
import { count, moneyText, tzOffsetMinutes } from './spend-text.js';

/** @typedef {import('./types.js').SpendReport} SpendReport @typedef {import('./types.js').SpendRow} SpendRow */
/** @typedef {import('./types.js').SpendFigures} SpendFigures @typedef {import('./types.js').SpendGroupBy} SpendGroupBy */

const DEFAULT_DAYS = 30;
const area = () => $('#tab-spend');

/** The filters as the API reads them; an empty input is left out (the server's default applies). */
function query() {
  const params = new URLSearchParams({ groupBy: $('#spend-group', HTMLSelectElement).value, tzOffsetMinutes: String(tzOffsetMinutes()) });
  const fields = { from: '#spend-from', to: '#spend-to', model: '#spend-model', keyId: '#spend-key', clientId: '#spend-client' };
  for (const [name, selector] of Object.entries(fields)) {
    const value = $(selector, HTMLInputElement).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

export async function loadSpend() {
  const params = query();
  const models = new URLSearchParams(params);
  models.set('groupBy', 'model');
  models.delete('model');
  const [report, used] = /** @type {[SpendReport, SpendReport]} */ (
    await Promise.all([api('GET', `/spend?${params.toString()}`), api('GET', `/spend?${models.toString()}`)])
  );
  $('#spend-group-head').textContent = t(`spend.col.${report.groupBy}`);
  $('#spend-body').replaceChildren(...report.rows.map((r) => row(groupText(r, report.groupBy), r)));
  $('#spend-totals').replaceChildren(row(t('spend.totals'), report.totals));
  // The models this range and key used, to pick from (typing any other still filters).
  const names = used.rows.flatMap((r) => (typeof r.group === 'string' ? [r.group] : []));
  $('#spend-models').replaceChildren(...names.map((name) => el('option', { value: name })));
  params.set('format', 'csv');
  $('#spend-csv', HTMLAnchorElement).href = `/admin/api/spend?${params.toString()}`;
}

/**
 * @param {SpendRow} r
 * @param {SpendGroupBy} by
 */
function groupText(r, by) {
  if (by === 'key') return r.group === null ? '—' : `#${r.group} ${r.maskedKey ?? t('spend.deletedKey')}`;
  // Requests no key was accepted for have no client; a deleted client keeps its name, marked.
  if (by === 'client')
    return r.group === null ? '—' : `#${r.group} ${r.clientName ?? ''}${r.clientDeleted ? ' ' + t('spend.deletedKey') : ''}`;
  return r.group === null ? t('spend.noModel') : String(r.group);
}

/**
 * One line of the table: the group, then its figures; money with its kind, unpriced usage apart.
 * @param {string} group
 * @param {SpendFigures} f
 */
function row(group, f) {
  const money = (/** @type {string} */ yuan) => el('td', { class: 'num', text: moneyText(yuan, f.kind) });
  const { requests, inputTokens, outputTokens } = f.unpriced;
  return el(
    'tr',
    {},
    el('td', { text: group }),
    el('td', { class: 'num', text: count(f.requests) }),
    el('td', { class: 'num', text: `${count(f.inputTokens)} / ${count(f.outputTokens)}` }),
    money(f.cost),
    money(f.gift),
    money(f.paid),
    money(f.unknownCredit),
    el('td', {
      class: requests ? 'num unpriced' : 'num',
      text: requests ? `${count(requests)} / ${count(inputTokens + outputTokens)}` : '—',
    }),
    el('td', { text: t(`spend.kind.${f.kind}`) }),
  );
}

/** "2026-03-05": a local date, as a date input holds it. @param {Date} d */
const dateValue = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function initSpend() {
  const today = new Date();
  $('#spend-to', HTMLInputElement).value = dateValue(today);
  $('#spend-from', HTMLInputElement).value = dateValue(
    new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DEFAULT_DAYS - 1)),
  );
  const reload = () => void attempt(area(), loadSpend);
  for (const id of ['#spend-from', '#spend-to', '#spend-key', '#spend-client', '#spend-group']) $(id).addEventListener('change', reload);
  /** @type {number | undefined} */
  let typing;
  $('#spend-model').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(reload, 250);
  });
  // Fetched first, so that a failure shows in this tab instead of replacing the page with the error's JSON.
  const csv = $('#spend-csv', HTMLAnchorElement);
  csv.addEventListener(
    'click',
    handle(area(), (/** @type {Event} */ event) => {
      event.preventDefault();
      return download(csv.href);
    }),
  );
}
