// @ts-check
import { api } from './api.js';
import { $, $$, el, money, t, when } from './dom.js';
import { loadStats } from './stats.js';

/** @typedef {import('./types.js').KeyList} KeyList @typedef {import('./types.js').KeyView} KeyView */
/** @typedef {import('./types.js').ImportResult} ImportResult @typedef {import('./types.js').JobProgress} JobProgress */

const state = { page: 1, pageSize: 50, total: 0, selected: /** @type {Set<number>} */ (new Set()) };

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

/** @param {KeyView} key */
function row(key) {
  const select = el('input', { type: 'checkbox', 'aria-label': key.maskedKey, onchange: () => toggle(key.id, select.checked) });
  const note = el('input', { class: 'note', value: key.note, 'aria-label': t('note') });
  note.addEventListener('change', () => api('PATCH', `/keys/${key.id}`, { note: note.value }));
  const check = el('button', {
    type: 'button',
    text: t('check'),
    onclick: async () => {
      check.disabled = true;
      await api('POST', `/keys/${key.id}/check`);
      await Promise.all([loadKeys(), loadStats()]);
    },
  });
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
  const result = /** @type {{ jobId?: string }} */ (await api('POST', '/keys/bulk', { action, ids }));
  if (result.jobId) await followJob(result.jobId);
  await Promise.all([loadKeys(), loadStats()]);
}

/** The job's progress as Server-Sent Events, shown as a progress bar until it is done. */
/**
 * @param {string} jobId
 * @returns {Promise<void>}
 */
function followJob(jobId) {
  const box = $('#progress');
  box.hidden = false;
  return new Promise((resolve) => {
    const events = new EventSource(`/admin/api/jobs/${jobId}/events`);
    /** @param {JobProgress} p */
    const paint = (p) => {
      const percent = p.total ? Math.round((p.done / p.total) * 100) : 100;
      $('.bar', HTMLElement, box).style.width = `${percent}%`;
      box.setAttribute('aria-valuenow', String(percent));
      $('.label', HTMLElement, box).textContent = p.state === 'running' ? t('checking', p) : t('checkDone', p);
    };
    /** @param {MessageEvent<string>} e */
    const progressOf = (e) => /** @type {JobProgress} */ (JSON.parse(e.data));
    events.addEventListener('progress', (e) => paint(progressOf(e)));
    events.addEventListener('done', (e) => {
      paint(progressOf(e));
      events.close();
      resolve();
    });
    events.onerror = () => {
      events.close();
      resolve();
    };
  });
}

export function initKeys() {
  // A .txt file is read in the browser and goes the same way as pasted text.
  const fileInput = $('#import-file', HTMLInputElement);
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (file) $('#import-text', HTMLTextAreaElement).value = await file.text();
  });
  $('#open-import').addEventListener('click', () => {
    $('#import-form').hidden = !$('#import-form').hidden;
  });
  $('#import-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { keys: $('#import-text', HTMLTextAreaElement).value, check: $('#import-check', HTMLInputElement).checked };
    const result = /** @type {ImportResult & { error?: string }} */ (
      await api('POST', '/keys', body).catch((/** @type {Error} */ err) => ({ error: err.message }))
    );
    $('#import-result').textContent = result.error ?? t('importResult', result);
    if (result.error) return;
    $('#import-text', HTMLTextAreaElement).value = '';
    await loadKeys();
    if (result.jobId) await followJob(result.jobId);
    await Promise.all([loadKeys(), loadStats()]);
  });
  $('#check-all').addEventListener('click', async () => {
    const { jobId } = /** @type {{ jobId: string }} */ (await api('POST', '/keys/check', {}));
    await followJob(jobId);
    await Promise.all([loadKeys(), loadStats()]);
  });
  const selectAll = $('#select-all', HTMLInputElement);
  selectAll.addEventListener('change', () => {
    for (const box of $$('#keys-body input[type=checkbox]', HTMLInputElement)) {
      box.checked = selectAll.checked;
      toggle(Number(box.closest('tr')?.dataset.id), selectAll.checked);
    }
  });
  for (const b of $$('[data-bulk]')) b.addEventListener('click', () => bulk(b.dataset.bulk ?? ''));
  for (const id of ['#filter-status', '#sort']) $(id).addEventListener('change', () => ((state.page = 1), loadKeys()));
  /** @type {number | undefined} */
  let typing;
  $('#filter-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => ((state.page = 1), loadKeys()), 250);
  });
  $('#prev').addEventListener('click', () => ((state.page -= 1), loadKeys()));
  $('#next').addEventListener('click', () => ((state.page += 1), loadKeys()));
}
