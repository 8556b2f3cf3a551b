// @ts-check
// Cooling per account × model (issue 13): what the key table's status cell adds for a key whose account
// SiliconFlow rate-limited, and the overview's list of the accounts cooling (GET /admin/api/pool/cooling).
import { api } from './api.js';
import { $, el, t, when } from './dom.js';

/** @typedef {import('./types.js').KeyCooling} KeyCooling @typedef {import('./types.js').PoolCoolingItem} PoolCoolingItem */

/**
 * "12:00" today, a date and time otherwise (an RPD cool-down ends at China midnight).
 * @param {string} iso
 */
function until(iso) {
  const end = new Date(iso);
  if (end.toDateString() !== new Date().toDateString()) return when(iso);
  return end.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** @param {{ model: string | null; until: string; limit: string | null }} c */
const parts = (c) => ({ model: c.model ?? t('cooling.noModel'), until: until(c.until), limit: c.limit ? ` (${c.limit})` : '' });

/**
 * One line per model the key's account cools for, under its status: "冷却中 · Qwen/… · 至 12:00 (RPM)".
 * @param {HTMLElement} cell the status cell
 * @param {KeyCooling[]} cooling
 */
export function addCooling(cell, cooling) {
  for (const c of cooling ?? []) {
    cell.append(el('br'), el('small', { class: 'status-cooling', text: t('cooling.cell', { status: t('status.cooling'), ...parts(c) }) }));
  }
}

/** Fills the overview's list of accounts cooling; an empty pool of them says so. */
export async function loadCoolingList() {
  const { items } = /** @type {{ items: PoolCoolingItem[] }} */ (await api('GET', '/pool/cooling'));
  const list = $('#cooling-list');
  const lines = items.map((c) => t('cooling.item', { account: c.account, keys: c.keys, ...parts(c) }));
  list.replaceChildren(...(lines.length ? lines : [t('cooling.none')]).map((text, i) => el('li', { text, title: items[i]?.reason ?? '' })));
}
