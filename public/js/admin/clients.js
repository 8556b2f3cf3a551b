// @ts-check
// The clients tab (issue 12): the client keys with their usage today / this month and what is left
// of each budget, create (with presets) and edit (client-form.js), disable, rotate and delete. A new
// or rotated key shows once, in its own box, and leaves the page when the box is closed.
import { yuanText } from '../exact-yuan.js';
import { api } from './api.js';
import { handle } from './areas.js';
import { applyPreset, clientForm, closeClientForm, editingId, openClientForm, readClientForm } from './client-form.js';
import { $, $$, el, t, when } from './dom.js';
import { count, moneyText } from './spend-text.js';

/** @typedef {import('./types.js').ClientView} ClientView @typedef {import('./types.js').IssuedClientKey} IssuedClientKey */
/** @typedef {import('./types.js').ClientUsageFigures} ClientUsageFigures @typedef {import('./types.js').BudgetPeriod} BudgetPeriod */

const area = () => $('#tab-clients');
const PERIODS = /** @type {const} */ (['day', 'month', 'total']);

export async function loadClients() {
  const deleted = $('#clients-deleted', HTMLInputElement).checked;
  const [{ items }, settings] = await Promise.all([
    /** @type {Promise<{ items: ClientView[] }>} */ (api('GET', `/clients${deleted ? '?deleted=true' : ''}`)),
    /** @type {Promise<import('./types.js').SettingsView>} */ (api('GET', '/settings')),
  ]);
  $('#clients-body').replaceChildren(...items.map(row));
  showFreeModels(settings.values.freeModels);
}

/**
 * What "free models only" allows now (the freeModels setting, read at each request): with none
 * set, such a key can use no model at all, which the admin should know before handing it out.
 * @param {unknown} free
 */
function showFreeModels(free) {
  const models = Array.isArray(free) ? free.map(String) : [];
  $('#client-free-models').textContent = models.length
    ? t('clients.freeModelsNow', { n: models.length, models: models.join(', ') })
    : t('clients.freeModelsNone');
}

/** @param {string} message */
function said(message) {
  $('#clients-result').textContent = message;
}

/**
 * The key, in the box that says it will not be shown again.
 * @param {string} title
 * @param {string} key
 */
function showOnce(title, key) {
  $('#client-once-title').textContent = title;
  $('#client-once-key').textContent = key;
  const box = $('#client-once');
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

function closeOnce() {
  $('#client-once-key').textContent = '';
  $('#client-once-title').textContent = '';
  $('#client-once').hidden = true;
}

/** "3 requests · 1,204 tokens · ≈¥0.0042" @param {ClientUsageFigures} u */
const usageText = (u) =>
  t('clients.usage', { requests: count(u.requests), tokens: count(u.tokens), money: moneyText(u.spent.yuan, u.spent.kind) });

/** @param {ClientView} c */
function limitLines(c) {
  if (c.kind === 'default') return [t('clients.defaultLimits')];
  const out = [];
  if (c.freeOnly) out.push(t('clients.freeOnlyShort'));
  out.push(c.models.length ? t('clients.modelsShort', { models: c.models.join(', ') }) : c.freeOnly ? '' : t('clients.allModels'));
  if (c.expiresAt) out.push(t('clients.expiresShort', { time: when(c.expiresAt) }));
  if (c.rpm !== null) out.push(t('clients.rpmShort', { n: c.rpm }));
  if (c.maxConcurrent !== null) out.push(t('clients.concurrentShort', { n: c.maxConcurrent }));
  if (c.allowedIps.length) out.push(t('clients.ipsShort', { ips: c.allowedIps.join(', ') }));
  return out.filter(Boolean);
}

/** Each budget that is set: what is left of how much, and when it resets (its title). @param {ClientView} c */
function remainingCell(c) {
  const cell = el('td', { class: 'client-remaining' });
  for (const period of PERIODS) {
    const r = c.remaining[period];
    if (!r) continue;
    const line = el('div', {
      'data-period': period,
      text: t(`clients.left.${period}`, { left: moneyText(r.yuan, r.kind), limit: yuanText(r.limit) }),
    });
    if (r.resetsAt) line.title = t('clients.resets', { time: when(r.resetsAt) });
    cell.append(line);
  }
  if (!cell.childElementCount) cell.textContent = t('clients.noBudget');
  return cell;
}

/** @param {ClientView} c */
function nameCell(c) {
  const cell = el('td', {}, el('span', { class: 'client-name', text: c.name }));
  if (c.kind === 'default') cell.append(' ', el('span', { class: 'client-default', text: t('clients.default') }));
  cell.append(el('div', {}, el('code', { text: c.maskedKey })));
  if (c.note) cell.append(el('small', { class: 'hint', text: c.note }));
  return cell;
}

/** @param {ClientView} c */
function row(c) {
  const status = el('span', { class: `status status-${c.status}`, text: t(`clients.status.${c.status}`) });
  const limits = el('td', { class: 'client-limits' }, ...limitLines(c).map((text) => el('div', { text })));
  return el(
    'tr',
    { 'data-id': String(c.id), 'data-status': c.status },
    nameCell(c),
    el('td', {}, status),
    limits,
    el('td', { class: 'client-today', text: usageText(c.usage.today) }),
    el('td', { class: 'client-month', text: usageText(c.usage.thisMonth) }),
    remainingCell(c),
    el('td', { class: 'row-actions' }, ...actions(c)),
  );
}

/**
 * A button of a row whose action shows its failure in the tab.
 * @param {string} label
 * @param {string} action
 * @param {() => unknown} run
 */
function button(label, action, run) {
  const b = el('button', { type: 'button', text: label, 'data-action': action });
  b.addEventListener('click', handle(area(), run));
  return b;
}

/** The default client (the admin's own key) has no limits to change here; a deleted one is history. @param {ClientView} c */
function actions(c) {
  if (c.kind === 'default' || c.status === 'deleted') return [];
  const toggle = c.enabled ? t('disable') : t('enable');
  const del = button(t('delete'), 'delete', () => remove(c));
  del.classList.add('danger');
  return [
    button(t('clients.edit'), 'edit', () => openClientForm(c)),
    button(toggle, 'toggle', () => change(c, { enabled: !c.enabled }, c.enabled ? 'clients.didDisable' : 'clients.didEnable')),
    button(t('clients.rotate'), 'rotate', () => rotate(c)),
    del,
  ];
}

/**
 * @param {ClientView} c
 * @param {Record<string, unknown>} body
 * @param {string} done
 */
async function change(c, body, done) {
  await api('PATCH', `/clients/${c.id}`, body);
  said(t(done, { name: c.name }));
  await loadClients();
}

/** @param {ClientView} c */
async function rotate(c) {
  if (!confirm(t('clients.confirmRotate', { name: c.name }))) return;
  const issued = /** @type {IssuedClientKey} */ (await api('POST', `/clients/${c.id}/rotate`));
  showOnce(t('clients.onceRotated', { name: issued.client.name }), issued.key);
  said('');
  await loadClients();
}

/** @param {ClientView} c */
async function remove(c) {
  if (!confirm(t('clients.confirmDelete', { name: c.name }))) return;
  await api('DELETE', `/clients/${c.id}`);
  said(t('clients.deleted', { name: c.name }));
  await loadClients();
}

async function save() {
  const body = readClientForm();
  const id = editingId();
  if (id === null) {
    const issued = /** @type {IssuedClientKey} */ (await api('POST', '/clients', body));
    closeClientForm();
    showOnce(t('clients.onceCreated', { name: issued.client.name }), issued.key);
    said('');
  } else {
    const client = /** @type {ClientView} */ (await api('PATCH', `/clients/${id}`, body));
    closeClientForm();
    said(t('clients.saved', { name: client.name }));
  }
  await loadClients();
}

export function initClients() {
  $('#client-new').addEventListener('click', () => {
    closeOnce();
    openClientForm(null);
  });
  $('#client-cancel').addEventListener('click', closeClientForm);
  $('#client-once-close').addEventListener('click', closeOnce);
  for (const b of $$('[data-preset]')) b.addEventListener('click', () => applyPreset(b.dataset.preset ?? ''));
  clientForm().addEventListener(
    'submit',
    handle(area(), (/** @type {Event} */ event) => {
      event.preventDefault();
      return save();
    }),
  );
  $('#clients-deleted').addEventListener('change', handle(area(), loadClients));
}
