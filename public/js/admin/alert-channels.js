// @ts-check
// The alerts tab's channels: the list (GET /alerts/channels: each URL masked by the server, the
// secret only as "set"), add and edit (alert-channel-form.js), switch on and off, delete, and "send
// a test", whose outcome stays in the channel's row until the next test.
import { api } from './api.js';
import { handle } from './areas.js';
import { closeChannelForm, channelForm, editingChannel, initChannelForm, openChannelForm, readChannelForm } from './alert-channel-form.js';
import { eventName } from './alert-words.js';
import { $, el, failureText, t, when } from './dom.js';

/** @typedef {import('./types.js').ChannelView} ChannelView @typedef {import('./types.js').Delivery} Delivery */

const area = () => $('#tab-alerts');

/** The last test's outcome per channel id, kept across reloads of the list. */
const tests = new Map(/** @type {[number, { text: string; bad: boolean }][]} */ ([]));

/** Loads the list; resolves with the channels (the delivery log's filter lists them). */
export async function loadChannels() {
  const { channels } = /** @type {{ channels: ChannelView[] }} */ (await api('GET', '/alerts/channels'));
  $('#alert-channels-body').replaceChildren(...channels.map(row));
  $('#alert-channels-none').hidden = channels.length > 0;
  return channels;
}

/** @param {string} message */
function said(message) {
  $('#alert-channels-result').textContent = message;
}

/** @param {ChannelView} c */
function lastDeliveryText(c) {
  if (!c.lastDelivery) return t('alerts.lastNone');
  return t('alerts.last', { status: t(`alerts.delivery.${c.lastDelivery.status}`), time: when(c.lastDelivery.at) });
}

/** @param {ChannelView} c */
function row(c) {
  const name = el(
    'td',
    {},
    el('span', { class: 'client-name', text: c.name }),
    el('small', { class: 'hint', text: `${t(`alerts.type.${c.type}`)} · ${t(c.enabled ? 'alerts.enabledYes' : 'alerts.enabledNo')}` }),
  );
  const last = el('td', { class: c.lastDelivery?.status === 'failed' ? 'bad' : '', text: lastDeliveryText(c) });
  const outcome = el('div', { class: 'test-outcome', role: 'status' });
  const kept = tests.get(c.id);
  if (kept) {
    outcome.textContent = kept.text;
    outcome.classList.toggle('bad', kept.bad);
  }
  return el(
    'tr',
    { 'data-id': String(c.id), 'data-enabled': String(c.enabled) },
    name,
    el('td', {}, el('code', { class: 'masked-url', text: c.url })),
    el('td', { text: t(c.hasSecret ? 'alerts.secretSet' : 'alerts.secretNone') }),
    el('td', { class: 'channel-events', text: c.events === null ? t('alerts.channel.allEvents') : c.events.map(eventName).join(', ') }),
    el('td', { text: t(`alerts.severity.${c.minSeverity}`) }),
    last,
    el('td', { class: 'row-actions' }, ...actions(c, outcome), outcome),
  );
}

/**
 * A button of a row whose failure shows in the tab's error box.
 * @param {string} label
 * @param {string} action
 * @param {() => unknown} run
 */
function button(label, action, run) {
  const b = el('button', { type: 'button', text: label, 'data-action': action });
  b.addEventListener('click', handle(area(), run));
  return b;
}

/**
 * @param {ChannelView} c
 * @param {HTMLElement} outcome
 */
function actions(c, outcome) {
  const del = button(t('delete'), 'delete', () => remove(c));
  del.classList.add('danger');
  const test = el('button', { type: 'button', text: t('alerts.test'), 'data-action': 'test' });
  test.addEventListener('click', () => void sendTest(c, test, outcome));
  return [
    test,
    button(t('alerts.edit'), 'edit', () => openChannelForm(c)),
    button(t(c.enabled ? 'disable' : 'enable'), 'toggle', () => change(c, { enabled: !c.enabled })),
    del,
  ];
}

/** What a test's delivery says: sent, or why not (a retry is queued when it is still pending). @param {Delivery} d */
function testText(d) {
  if (d.status === 'sent') return t('alerts.testSent', { status: d.lastStatus ?? '—' });
  const error = d.lastError ?? (d.lastStatus === null ? '—' : `HTTP ${d.lastStatus}`);
  return t(d.status === 'failed' ? 'alerts.testFailed' : 'alerts.testPending', { error });
}

/**
 * POST /alerts/channels/:id/test answers after the first attempt; its outcome shows in the row,
 * a failed request too (the server's words), and the log below gains the test's row.
 * @param {ChannelView} c
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} outcome
 */
async function sendTest(c, button, outcome) {
  button.disabled = true;
  outcome.classList.remove('bad');
  outcome.textContent = t('alerts.testing');
  let result;
  try {
    const { delivery } = /** @type {{ delivery: Delivery }} */ (await api('POST', `/alerts/channels/${c.id}/test`));
    result = { text: testText(delivery), bad: delivery.status !== 'sent' };
  } catch (err) {
    result = { text: failureText(err), bad: true };
  } finally {
    button.disabled = false;
  }
  tests.set(c.id, result);
  outcome.textContent = result.text;
  outcome.classList.toggle('bad', result.bad);
  area().dispatchEvent(new CustomEvent('alerts-changed'));
}

/**
 * @param {ChannelView} c
 * @param {Record<string, unknown>} body
 */
async function change(c, body) {
  const saved = /** @type {ChannelView} */ (await api('PATCH', `/alerts/channels/${c.id}`, body));
  said(t('alerts.channelSaved', { name: saved.name }));
  area().dispatchEvent(new CustomEvent('alerts-changed'));
}

/** @param {ChannelView} c */
async function remove(c) {
  if (!confirm(t('alerts.confirmDelete', { name: c.name }))) return;
  await api('DELETE', `/alerts/channels/${c.id}`);
  tests.delete(c.id);
  if (editingChannel()?.id === c.id) closeChannelForm();
  said(t('alerts.channelDeleted', { name: c.name }));
  area().dispatchEvent(new CustomEvent('alerts-changed'));
}

async function save() {
  const editing = editingChannel();
  const body = readChannelForm();
  const saved = /** @type {ChannelView} */ (
    editing ? await api('PATCH', `/alerts/channels/${editing.id}`, body) : await api('POST', '/alerts/channels', body)
  );
  closeChannelForm();
  said(t(editing ? 'alerts.channelSaved' : 'alerts.channelAdded', { name: saved.name }));
  area().dispatchEvent(new CustomEvent('alerts-changed'));
}

export function initChannels() {
  initChannelForm();
  $('#alert-channel-new').addEventListener('click', () => {
    said('');
    openChannelForm(null);
  });
  $('#alert-channel-cancel').addEventListener('click', closeChannelForm);
  channelForm().addEventListener(
    'submit',
    handle(area(), (/** @type {Event} */ event) => {
      event.preventDefault();
      return save();
    }),
  );
}
