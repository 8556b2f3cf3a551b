// @ts-check
// The keys tab: the list with its filters and pages, checks, bulk actions, notes and export; the
// import (import.js) and the keys' money (key-money.js) have their own files.
import { RequestError } from '../request-error.js';
import { api, download } from './api.js';
import { attempt, handle } from './areas.js';
import { $, $$, el, t, when } from './dom.js';
import { initImport } from './import.js';
import { accountButton, accountCell, addAccountFilter, initKeyAccounts, showAccounts } from './key-account.js';
import { followJob } from './job-progress.js';
import { addCooling } from './key-cooling.js';
import { historyButton } from './key-events.js';
import { initKeyMoney, moneyButton, moneyCells, spendByKey } from './key-money.js';
import { refreshStats } from './stats.js';

/** @typedef {import('./types.js').AccountKeyList} KeyList @typedef {import('./types.js').AccountKeyView} AccountKeyView */
/** @typedef {import('./types.js').KeySpend} KeySpend */

const state = { page: 1, pageSize: 50, total: 0, selected: /** @type {Set<number>} */ (new Set()) };
const area = () => $('#tab-keys');

function query() {
  const status = $('#filter-status', HTMLSelectElement).value;
  const q = $('#filter-q', HTMLInputElement).value.trim();
  const params = new URLSearchParams({
    page: String(state.page),
    pageSize: String(state.pageSize),
    sort: $('#sort', HTMLSelectElement).value,
  });
  if (status) params.set('status', status);
  if (q) params.set('q', q);
  addAccountFilter(params);
  return params;
}

export async function loadKeys() {
  const params = query();
  const [data, spend] = await Promise.all([/** @type {Promise<KeyList>} */ (api('GET', `/keys?${params.toString()}`)), spendByKey()]);
  state.total = data.total;
  state.selected.clear();
  $('#select-all', HTMLInputElement).checked = false;
  $('#keys-body').replaceChildren(...data.items.map((key) => row(key, spend.get(key.id))));
  const pages = Math.max(1, Math.ceil(data.total / state.pageSize));
  $('#page-label').textContent = t('page', { page: state.page, pages });
  $('#prev', HTMLButtonElement).disabled = state.page <= 1;
  $('#next', HTMLButtonElement).disabled = state.page >= pages;
  // Export honours the filter.
  params.delete('page');
  params.delete('pageSize');
  params.delete('sort');
  for (const format of ['txt', 'csv', 'json'])
    $(`#export-${format}`, HTMLAnchorElement).href = `/admin/api/keys/export?format=${format}&${params.toString()}`;
  updateSelected();
  await showAccounts(() => $('#filter-account').dispatchEvent(new Event('change')));
}

/** The list (its failure shows in this tab) and the overview's cards (theirs in the overview), after a change. */
const reload = () => Promise.all([loadKeys(), refreshStats()]);

/**
 * @param {AccountKeyView} key
 * @param {KeySpend | undefined} spend the key's spend over 30 days; none when it made no request
 */
function row(key, spend) {
  const select = el('input', { type: 'checkbox', 'aria-label': key.maskedKey, onchange: () => toggle(key.id, select.checked) });
  const note = el('input', { class: 'note', value: key.note, 'aria-label': t('note') });
  note.addEventListener(
    'change',
    handle(area(), () => api('PATCH', `/keys/${key.id}`, { note: note.value })),
  );
  const check = el('button', { type: 'button', text: t('check') });
  check.addEventListener(
    'click',
    handle(area(), async () => {
      check.disabled = true;
      try {
        await api('POST', `/keys/${key.id}/check`);
      } finally {
        check.disabled = false;
      }
      await reload();
    }),
  );
  const status = el('span', { class: `status status-${key.status}`, text: t(`status.${key.status}`) });
  if (key.lastError) status.title = key.lastError;
  const statusCell = el('td', {}, status);
  addCooling(statusCell, key.cooling);
  return el(
    'tr',
    { 'data-id': String(key.id) },
    el('td', {}, select),
    el('td', {}, el('code', { text: key.maskedKey })),
    statusCell,
    ...moneyCells(key, spend),
    el('td', {}, note),
    accountCell(key),
    el('td', { text: when(key.lastCheckedAt) }),
    el('td', { class: 'row-actions' }, check, moneyButton(key), accountButton(key), historyButton(key)),
  );
}

/**
 * @param {number} id
 * @param {boolean} on
 */
function toggle(id, on) {
  if (on) state.selected.add(id);
  else state.selected.delete(id);
  updateSelected();
}

function updateSelected() {
  $('#selected-count').textContent = String(state.selected.size);
  for (const b of $$('[data-bulk]', HTMLButtonElement)) b.disabled = state.selected.size === 0;
}

/** @param {string} action */
async function bulk(action) {
  const ids = [...state.selected];
  if (action === 'delete' && !confirm(t('confirmDelete', { count: ids.length }))) return;
  const result = /** @type {{ jobId?: string; notFound?: number[] }} */ (await api('POST', '/keys/bulk', { action, ids }));
  if (result.jobId) await followJob(result.jobId);
  await reload();
  // The rest was done; these were deleted meanwhile (another tab, another admin).
  const gone = result.notFound?.length ?? 0;
  if (gone) throw new RequestError(200, 'keys-gone', `${gone} of the selected keys no longer exist.`, { count: gone });
}

/** The filters and pages reload the list from its first page (or the next/previous one). */
function initPaging() {
  /** @param {number} page */
  const goTo = (page) => {
    state.page = page;
    void attempt(area(), loadKeys);
  };
  for (const id of ['#filter-status', '#sort', '#filter-account']) $(id).addEventListener('change', () => goTo(1));
  /** @type {number | undefined} */
  let typing;
  $('#filter-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => goTo(1), 250);
  });
  $('#prev').addEventListener('click', () => goTo(state.page - 1));
  $('#next').addEventListener('click', () => goTo(state.page + 1));
}

export function initKeys() {
  initImport({ loadKeys, reload });
  initKeyMoney({ reload, selected: () => [...state.selected] });
  initKeyAccounts({ reload, selected: () => [...state.selected] });
  $('#check-all').addEventListener(
    'click',
    handle(area(), async () => {
      const { jobId } = /** @type {{ jobId: string }} */ (await api('POST', '/keys/check', {}));
      await followJob(jobId);
      await reload();
    }),
  );
  const selectAll = $('#select-all', HTMLInputElement);
  selectAll.addEventListener('change', () => {
    for (const box of $$('#keys-body input[type=checkbox]', HTMLInputElement)) {
      box.checked = selectAll.checked;
      toggle(Number(box.closest('tr')?.dataset.id), selectAll.checked);
    }
  });
  // The money and account buttons of the bulk bar open a form first (key-money.js, key-account.js).
  for (const b of $$('[data-bulk]:not([data-money]):not([data-account])'))
    b.addEventListener(
      'click',
      handle(area(), () => bulk(b.dataset.bulk ?? '')),
    );
  for (const link of $$('[id^=export-]', HTMLAnchorElement)) {
    link.addEventListener(
      'click',
      handle(area(), (/** @type {Event} */ event) => {
        event.preventDefault();
        return download(link.href);
      }),
    );
  }
  initPaging();
}
