// @ts-check
import { api } from './api.js';
import { $, el, t, when } from './dom.js';

/** @typedef {import('./types.js').LogList} LogList */

const state = { page: 1, pageSize: 50 };

export async function loadLogs() {
  const params = new URLSearchParams({ page: String(state.page), pageSize: String(state.pageSize) });
  const model = $('#logs-model', HTMLInputElement).value.trim();
  const status = $('#logs-status', HTMLSelectElement).value;
  const keyId = $('#logs-key', HTMLInputElement).value;
  if (model) params.set('model', model);
  if (status) params.set('status', status);
  if (keyId) params.set('keyId', keyId);
  const data = /** @type {LogList} */ (await api('GET', `/logs?${params.toString()}`));
  $('#logs-body').replaceChildren(
    ...data.items.map((l) =>
      el(
        'tr',
        {},
        el('td', { text: when(l.time) }),
        el('td', { text: (l.model ?? '—') + (l.stream ? ' · SSE' : '') }),
        el('td', { class: l.status >= 400 ? 'bad' : '', text: String(l.status) }),
        el('td', { text: l.keyId === null ? '—' : `#${l.keyId}` }),
        el('td', { text: String(l.attempts) }),
        el('td', { text: l.totalTokens === null ? '—' : String(l.totalTokens) }),
        el('td', { text: `${l.firstByteMs ?? '—'} / ${l.totalMs} ms` }),
        el('td', { text: l.errorClass ?? '' }),
      ),
    ),
  );
  const pages = Math.max(1, Math.ceil(data.total / state.pageSize));
  $('#logs-page').textContent = t('page', { page: state.page, pages });
  $('#logs-prev', HTMLButtonElement).disabled = state.page <= 1;
  $('#logs-next', HTMLButtonElement).disabled = state.page >= pages;
}

export function initLogs() {
  /** @type {number | undefined} */
  let typing;
  $('#logs-model').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => ((state.page = 1), loadLogs()), 250);
  });
  $('#logs-status').addEventListener('change', () => ((state.page = 1), loadLogs()));
  $('#logs-key').addEventListener('change', () => ((state.page = 1), loadLogs()));
  $('#logs-prev').addEventListener('click', () => ((state.page -= 1), loadLogs()));
  $('#logs-next').addEventListener('click', () => ((state.page += 1), loadLogs()));
}
