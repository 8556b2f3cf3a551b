// @ts-check
// The client key form of the clients tab: one form for create and edit, its presets, and the body
// it sends. Money stays the string the admin typed (the server parses yuan exactly); a value the
// browser cannot read goes as typed too, so the server's 400 names the field.
import { $, t } from './dom.js';

/** @typedef {import('./types.js').ClientView} ClientView @typedef {import('./types.js').ClientBody} ClientBody */
/** @typedef {import('./types.js').BudgetPeriod} BudgetPeriod */

const PERIODS = /** @type {const} */ (['day', 'month', 'total']);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The common shapes of a key (views/admin/partials/clients.ejs has a button for each); a preset fills
 * the limits and keeps the name and note.
 * @type {Record<string, { freeOnly: boolean; models?: string; days?: number; budgets?: Partial<Record<BudgetPeriod, string>>; rpm?: string; maxConcurrent?: string }>}
 */
const PRESETS = {
  'free-daily': { freeOnly: true, budgets: { day: '1' }, days: 30 },
  'free-small': { freeOnly: true, budgets: { day: '0.50' } },
  'paid-monthly': { freeOnly: false, budgets: { month: '10' }, rpm: '60', maxConcurrent: '4' },
  unlimited: { freeOnly: false },
};

const input = (/** @type {string} */ id) => $(`#client-${id}`, HTMLInputElement);
const textArea = (/** @type {string} */ id) => $(`#client-${id}`, HTMLTextAreaElement);
export const clientForm = () => $('#client-form', HTMLFormElement);

/** The client being edited; null while creating one. */
let editing = /** @type {number | null} */ (null);
export const editingId = () => editing;

/**
 * A moment as a datetime-local input holds it: the browser's own time, to the minute.
 * @param {number} ms
 */
function localInput(ms) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * Opens the form, empty for a new key or filled with a client's settings.
 * @param {ClientView | null} client
 */
export function openClientForm(client) {
  editing = client?.id ?? null;
  $('#client-form-title').textContent = client ? t('clients.editTitle', { name: client.name }) : t('clients.newTitle');
  input('name').value = client?.name ?? '';
  input('note').value = client?.note ?? '';
  input('enabled').checked = client?.enabled ?? true;
  input('expires').value = client?.expiresAt ? localInput(Date.parse(client.expiresAt)) : '';
  input('free-only').checked = client?.freeOnly ?? false;
  textArea('models').value = (client?.models ?? []).join('\n');
  for (const period of PERIODS) input(`budget-${period}`).value = client?.budgets[period] ?? '';
  input('rpm').value = client?.rpm === null || client?.rpm === undefined ? '' : String(client.rpm);
  input('concurrency').value = client?.maxConcurrent === null || client?.maxConcurrent === undefined ? '' : String(client.maxConcurrent);
  textArea('ips').value = (client?.allowedIps ?? []).join('\n');
  clientForm().hidden = false;
  input('name').focus();
}

export function closeClientForm() {
  clientForm().reset();
  clientForm().hidden = true;
  editing = null;
}

/** @param {string} name */
export function applyPreset(name) {
  const preset = PRESETS[name];
  if (!preset) return;
  input('free-only').checked = preset.freeOnly;
  textArea('models').value = preset.models ?? '';
  input('expires').value = preset.days ? localInput(Date.now() + preset.days * DAY_MS) : '';
  for (const period of PERIODS) input(`budget-${period}`).value = preset.budgets?.[period] ?? '';
  input('rpm').value = preset.rpm ?? '';
  input('concurrency').value = preset.maxConcurrent ?? '';
}

/** One entry a line (commas work too), blanks dropped. @param {string} text */
const lines = (text) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Empty: no limit; digits: the number; anything else as typed, for the server to name. @param {string} text */
function limit(text) {
  const s = text.trim();
  if (!s) return null;
  return /^\d+$/.test(s) ? Number(s) : s;
}

/** @param {string} text */
const yuanOrNone = (text) => (text.trim() ? text.trim() : null);

/** What the form says, as the body of POST and PATCH /admin/api/clients (every field: a PATCH replaces each). */
export function readClientForm() {
  const expires = input('expires').value;
  /** @type {ClientBody} */
  const body = {
    name: input('name').value,
    note: input('note').value,
    enabled: input('enabled').checked,
    expiresAt: expires ? new Date(expires).getTime() : null,
    freeOnly: input('free-only').checked,
    models: lines(textArea('models').value),
    budgets: {
      day: yuanOrNone(input('budget-day').value),
      month: yuanOrNone(input('budget-month').value),
      total: yuanOrNone(input('budget-total').value),
    },
    rpm: limit(input('rpm').value),
    maxConcurrent: limit(input('concurrency').value),
    allowedIps: lines(textArea('ips').value),
  };
  return body;
}
