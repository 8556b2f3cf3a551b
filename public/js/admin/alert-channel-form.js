// @ts-check
// The channel form of the alerts tab: one form to add and to edit, the hint of what URL each type
// wants, and the body it sends. The page never holds a stored channel's URL or secret: on edit both
// start empty, and empty keeps what is stored (the secret can also be cleared).
import { $, $$, el, t } from './dom.js';
import { eventName, knownEvents } from './alert-words.js';

/** @typedef {import('./types.js').ChannelView} ChannelView @typedef {import('./types.js').ChannelBody} ChannelBody */
/** @typedef {import('./types.js').ChannelType} ChannelType @typedef {import('./types.js').Severity} Severity */
/** @typedef {import('./types.js').AlertEvent} AlertEvent */

export const channelForm = () => $('#alert-channel-form', HTMLFormElement);
const input = (/** @type {string} */ id) => $(`#alert-channel-${id}`, HTMLInputElement);
const select = (/** @type {string} */ id) => $(`#alert-channel-${id}`, HTMLSelectElement);

/** The channel being edited; null while adding one. */
let editing = /** @type {ChannelView | null} */ (null);
export const editingChannel = () => editing;

/** Whether the chosen type signs its messages, so a secret means something (the option's data-signs). */
const typeSigns = () => select('type').selectedOptions[0]?.dataset.signs !== undefined;

/** The hint of the chosen type, and the secret's fields only for a type that signs. */
function showType() {
  const type = select('type').value;
  for (const hint of $$('[data-type-hint]')) hint.hidden = hint.dataset.typeHint !== type;
  $('#alert-channel-secret-box').hidden = !typeSigns();
}

/** One checkbox per event, in the rules' order; `chosen` null = every event. @param {AlertEvent[] | null} chosen */
function fillEvents(chosen) {
  input('all-events').checked = chosen === null;
  $('#alert-channel-events').replaceChildren(
    ...knownEvents().map((event) => {
      const box = el('input', { type: 'checkbox', value: event, 'data-event': event });
      box.checked = chosen === null || chosen.includes(/** @type {AlertEvent} */ (event));
      box.disabled = chosen === null;
      return el('label', { class: 'inline' }, box, ` ${eventName(event)}`);
    }),
  );
}

const eventBoxes = () =>
  [...$('#alert-channel-events').querySelectorAll('input[type=checkbox]')].filter((b) => b instanceof HTMLInputElement);

/**
 * Opens the form, empty for a new channel or with a channel's settings (its URL and secret stay empty).
 * @param {ChannelView | null} channel
 */
export function openChannelForm(channel) {
  editing = channel;
  channelForm().reset();
  $('#alert-channel-form-title').textContent = channel ? t('alerts.channelEditTitle', { name: channel.name }) : t('alerts.channelNewTitle');
  input('name').value = channel?.name ?? '';
  select('type').value = channel?.type ?? 'webhook';
  // A channel keeps its type: a URL of one bot means nothing to another (delete and add instead).
  select('type').disabled = channel !== null;
  input('url').required = channel === null;
  input('url').placeholder = channel ? t('alerts.channel.urlKeep', { url: channel.url }) : 'https://…';
  input('secret').placeholder = channel?.hasSecret ? t('alerts.channel.secretKeep') : '';
  $('#alert-channel-secret-clear-label').hidden = !channel?.hasSecret;
  select('min-severity').value = channel?.minSeverity ?? 'warning';
  input('enabled').checked = channel?.enabled ?? true;
  fillEvents(channel ? channel.events : null);
  showType();
  channelForm().hidden = false;
  input('name').focus();
}

export function closeChannelForm() {
  channelForm().reset();
  channelForm().hidden = true;
  $('#alert-channel-events').replaceChildren();
  editing = null;
}

/** What the form says: the body of POST /alerts/channels, or of PATCH for the channel being edited. */
export function readChannelForm() {
  const events = input('all-events').checked
    ? null
    : eventBoxes()
        .filter((b) => b.checked)
        .map((b) => /** @type {AlertEvent} */ (b.value));
  /** @type {ChannelBody} */
  const body = {
    name: input('name').value.trim(),
    events,
    minSeverity: /** @type {Severity} */ (select('min-severity').value),
    enabled: input('enabled').checked,
  };
  const url = input('url').value.trim();
  const secret = input('secret').value;
  if (editing === null) body.type = /** @type {ChannelType} */ (select('type').value);
  if (url || editing === null) body.url = url;
  if (typeSigns() && secret) body.secret = secret;
  else if (editing?.hasSecret && input('secret-clear').checked) body.secret = null;
  return body;
}

export function initChannelForm() {
  select('type').addEventListener('change', showType);
  input('all-events').addEventListener('change', () => {
    for (const box of eventBoxes()) {
      box.disabled = input('all-events').checked;
      if (input('all-events').checked) box.checked = true;
    }
  });
}
