// @ts-check
// The keys tab: the list with its filters and pages, import, checks, bulk actions, notes and export.
import { RequestError } from '../request-error.js';
import { api, download } from './api.js';
import { attempt, handle } from './areas.js';
import { $, $$, el, money, t, when } from './dom.js';
import { followJob } from './job-progress.js';
import { refreshStats } from './stats.js';

/** @typedef {import('./types.js').KeyList} KeyList @typedef {import('./types.js').KeyView} KeyView */
/** @typedef {import('./types.js').ImportResult} ImportResult */

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
  return params;
}

export async function loadKeys() {
  const params = query();
  const data = /** @type {KeyList} */ (await api('GET', `/keys?${params.toString()}`));
  state.total = data.total;
  state.selected.clear();
  $('#keys-body').replaceChildren(...data.items.map(row));
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
}

/** The list (its failure shows in this tab) and the overview's cards (theirs in the overview), after a change. */
const reload = () => Promise.all([loadKeys(), refreshStats()]);

/** @param {KeyView} key */
function row(key) {
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
  return el(
    'tr',
    { 'data-id': String(key.id) },
    el('td', {}, select),
    el('td', {}, el('code', { text: key.maskedKey })),
    el('td', {}, status),
    el('td', { text: money(key.totalBalance) }),
    el('td', {}, note),
    el('td', { text: when(key.lastCheckedAt) }),
    el('td', {}, check),
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

/** @param {SubmitEvent} event */
async function importKeys(event) {
  event.preventDefault();
  $('#import-result').textContent = '';
  const body = { keys: $('#import-text', HTMLTextAreaElement).value, check: $('#import-check', HTMLInputElement).checked };
  const result = /** @type {ImportResult} */ (await api('POST', '/keys', body));
  $('#import-result').textContent = t('importResult', result);
  $('#import-text', HTMLTextAreaElement).value = '';
  await loadKeys();
  if (result.jobId) await followJob(result.jobId);
  await reload();
}

/** The filters and pages reload the list from its first page (or the next/previous one). */
function initPaging() {
  /** @param {number} page */
  const goTo = (page) => {
    state.page = page;
    void attempt(area(), loadKeys);
  };
  for (const id of ['#filter-status', '#sort']) $(id).addEventListener('change', () => goTo(1));
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
  // A .txt file is read in the browser and goes the same way as pasted text.
  const fileInput = $('#import-file', HTMLInputElement);
  fileInput.addEventListener(
    'change',
    handle(area(), async () => {
      const file = fileInput.files?.[0];
      if (file) $('#import-text', HTMLTextAreaElement).value = await file.text();
    }),
  );
  $('#open-import').addEventListener('click', () => {
    $('#import-form').hidden = !$('#import-form').hidden;
  });
  $('#import-form', HTMLFormElement).addEventListener('submit', handle(area(), importKeys));
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
  for (const b of $$('[data-bulk]'))
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
