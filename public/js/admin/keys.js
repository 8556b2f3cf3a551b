import { api } from './api.js';
import { $, el, money, t, when } from './dom.js';
import { loadStats } from './stats.js';

const state = { page: 1, pageSize: 50, total: 0, selected: new Set() };

function query() {
  const params = new URLSearchParams({ page: String(state.page), pageSize: String(state.pageSize), sort: $('#sort').value });
  if ($('#filter-status').value) params.set('status', $('#filter-status').value);
  if ($('#filter-q').value.trim()) params.set('q', $('#filter-q').value.trim());
  return params;
}

export async function loadKeys() {
  const params = query();
  const data = await api('GET', `/keys?${params}`);
  state.total = data.total;
  state.selected.clear();
  $('#keys-body').replaceChildren(...data.items.map(row));
  const pages = Math.max(1, Math.ceil(data.total / state.pageSize));
  $('#page-label').textContent = t('page', { page: state.page, pages });
  $('#prev').disabled = state.page <= 1;
  $('#next').disabled = state.page >= pages;
  // Export honours the filter.
  params.delete('page');
  params.delete('pageSize');
  params.delete('sort');
  for (const format of ['txt', 'csv', 'json']) $(`#export-${format}`).href = `/admin/api/keys/export?format=${format}&${params}`;
  updateSelected();
}

function row(key) {
  const select = el('input', { type: 'checkbox', 'aria-label': key.maskedKey, onchange: (e) => toggle(key.id, e.target.checked) });
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

function toggle(id, on) {
  if (on) state.selected.add(id);
  else state.selected.delete(id);
  updateSelected();
}

function updateSelected() {
  $('#selected-count').textContent = String(state.selected.size);
  for (const b of document.querySelectorAll('[data-bulk]')) b.disabled = state.selected.size === 0;
}

async function bulk(action) {
  const ids = [...state.selected];
  if (action === 'delete' && !confirm(t('confirmDelete', { count: ids.length }))) return;
  const result = await api('POST', '/keys/bulk', { action, ids });
  if (result.jobId) await followJob(result.jobId);
  await Promise.all([loadKeys(), loadStats()]);
}

/** The job's progress as Server-Sent Events, shown as a progress bar until it is done. */
function followJob(jobId) {
  const box = $('#progress');
  box.hidden = false;
  return new Promise((resolve) => {
    const events = new EventSource(`/admin/api/jobs/${jobId}/events`);
    const paint = (p) => {
      const percent = p.total ? Math.round((p.done / p.total) * 100) : 100;
      $('.bar', box).style.width = `${percent}%`;
      box.setAttribute('aria-valuenow', String(percent));
      $('.label', box).textContent = p.state === 'running' ? t('checking', p) : t('checkDone', p);
    };
    events.addEventListener('progress', (e) => paint(JSON.parse(e.data)));
    events.addEventListener('done', (e) => {
      paint(JSON.parse(e.data));
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
  $('#import-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) $('#import-text').value = await file.text();
  });
  $('#open-import').addEventListener('click', () => {
    $('#import-form').hidden = !$('#import-form').hidden;
  });
  $('#import-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await api('POST', '/keys', { keys: $('#import-text').value, check: $('#import-check').checked }).catch((err) => ({
      error: err.message,
    }));
    $('#import-result').textContent = result.error ?? t('importResult', result);
    if (result.error) return;
    $('#import-text').value = '';
    await loadKeys();
    if (result.jobId) await followJob(result.jobId);
    await Promise.all([loadKeys(), loadStats()]);
  });
  $('#check-all').addEventListener('click', async () => {
    const { jobId } = await api('POST', '/keys/check', {});
    await followJob(jobId);
    await Promise.all([loadKeys(), loadStats()]);
  });
  $('#select-all').addEventListener('change', (e) => {
    for (const box of document.querySelectorAll('#keys-body input[type=checkbox]')) {
      box.checked = e.target.checked;
      toggle(Number(box.closest('tr').dataset.id), e.target.checked);
    }
  });
  for (const b of document.querySelectorAll('[data-bulk]')) b.addEventListener('click', () => bulk(b.dataset.bulk));
  for (const id of ['#filter-status', '#sort']) $(id).addEventListener('change', () => ((state.page = 1), loadKeys()));
  let typing;
  $('#filter-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => ((state.page = 1), loadKeys()), 250);
  });
  $('#prev').addEventListener('click', () => ((state.page -= 1), loadKeys()));
  $('#next').addEventListener('click', () => ((state.page += 1), loadKeys()));
}
