// @ts-check
// A key's status history (issue 13): every change of its status with when, why and who made it
// (GET /admin/api/keys/:id/events, newest first), in a dialog opened from the key's row.
import { api } from './api.js';
import { attempt } from './areas.js';
import { el, t, when } from './dom.js';

/** @typedef {import('./types.js').KeyEvent} KeyEvent @typedef {import('./types.js').KeyEventList} KeyEventList */

/** Events per page of the dialog; "older" fetches the next page. */
const PAGE = 50;

/** @type {HTMLDialogElement | undefined} */
let dialog;

/**
 * The row's "history" button.
 * @param {{ id: number; maskedKey: string }} key
 */
export function historyButton(key) {
  return el('button', { type: 'button', class: 'history-open', text: t('history'), onclick: () => void openHistory(key) });
}

/** @param {{ id: number; maskedKey: string }} key */
async function openHistory(key) {
  const box = dialogOnce();
  const body = el('tbody');
  const older = el('button', { type: 'button', text: t('history.more'), hidden: '' });
  const table = el(
    'table',
    {},
    el(
      'thead',
      {},
      el('tr', {}, ...['history.when', 'history.change', 'history.source', 'history.reason'].map((k) => el('th', { text: t(k) }))),
    ),
    body,
  );
  const empty = el('p', { text: t('history.empty'), hidden: '' });
  const close = el('button', { type: 'button', text: t('history.close'), onclick: () => box.close() });
  // The `.error` box is where attempt() shows a failed load, as in every area of the page.
  const error = el('p', { class: 'error', role: 'alert', hidden: '' });
  box.replaceChildren(el('h3', { text: t('history.title', { key: key.maskedKey }) }), error, empty, table, el('p', {}, older, close));
  box.showModal();
  /** @param {number | undefined} before */
  const load = (before) =>
    attempt(box, async () => {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (before !== undefined) query.set('before', String(before));
      const { items } = /** @type {KeyEventList} */ (await api('GET', `/keys/${key.id}/events?${query.toString()}`));
      body.append(...items.map(eventRow));
      empty.hidden = body.children.length > 0;
      older.hidden = items.length < PAGE;
      const last = items.at(-1);
      older.onclick = () => void load(last?.id);
    });
  await load(undefined);
}

/** @param {KeyEvent} e */
function eventRow(e) {
  const change = e.from === e.to ? t(`status.${e.to}`) : `${t(`status.${e.from}`)} → ${t(`status.${e.to}`)}`;
  return el(
    'tr',
    {},
    el('td', { text: when(e.at) }),
    el('td', { text: change }),
    el('td', { text: t(`history.source.${e.source}`) }),
    el('td', { class: 'reason', text: e.reason }),
  );
}

/** One dialog for every key, made on first use (the keys view stays as it is). */
function dialogOnce() {
  if (!dialog) {
    dialog = el('dialog', { class: 'key-history', 'aria-label': t('history') });
    document.body.append(dialog);
  }
  return /** @type {HTMLDialogElement} */ (dialog);
}
