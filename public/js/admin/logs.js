// @ts-check
// The request log tab: the /v1 requests, newest first, filtered by model, status and key.
import { api } from './api.js';
import { attempt } from './areas.js';
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
        // An alias the client sent (MODEL_ALIASES) shows before the SiliconFlow model it went as.
        el('td', { text: (l.requestedModel ? `${l.requestedModel} → ` : '') + (l.model ?? '—') + (l.stream ? ' · SSE' : '') }),
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
  /** @param {number} page */
  const goTo = (page) => {
    state.page = page;
    void attempt($('#tab-logs'), loadLogs);
  };
  /** @type {number | undefined} */
  let typing;
  $('#logs-model').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => goTo(1), 250);
  });
  $('#logs-status').addEventListener('change', () => goTo(1));
  $('#logs-key').addEventListener('change', () => goTo(1));
  $('#logs-prev').addEventListener('click', () => goTo(state.page - 1));
  $('#logs-next').addEventListener('click', () => goTo(state.page + 1));
}
