import { api } from './api.js';
import { $, el, t, when } from './dom.js';

const state = { page: 1, pageSize: 50 };

export async function loadLogs() {
  const params = new URLSearchParams({ page: String(state.page), pageSize: String(state.pageSize) });
  if ($('#logs-model').value.trim()) params.set('model', $('#logs-model').value.trim());
  if ($('#logs-status').value) params.set('status', $('#logs-status').value);
  if ($('#logs-key').value) params.set('keyId', $('#logs-key').value);
  const data = await api('GET', `/logs?${params}`);
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
  $('#logs-prev').disabled = state.page <= 1;
  $('#logs-next').disabled = state.page >= pages;
}

export function initLogs() {
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
