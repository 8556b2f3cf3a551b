// @ts-check
// The alerts tab's delivery log: the last messages to each channel (GET /alerts/deliveries, newest
// first) with their attempts, the receiver's HTTP status and the error, filtered by channel.
import { api } from './api.js';
import { eventName } from './alert-words.js';
import { $, el, t, when } from './dom.js';

/** @typedef {import('./types.js').Delivery} Delivery @typedef {import('./types.js').ChannelView} ChannelView */

const LIMIT = 50;
const filter = () => $('#alert-deliveries-channel', HTMLSelectElement);

export async function loadDeliveries() {
  const params = new URLSearchParams({ limit: String(LIMIT) });
  if (filter().value) params.set('channel', filter().value);
  const { deliveries } = /** @type {{ deliveries: Delivery[] }} */ (await api('GET', `/alerts/deliveries?${params.toString()}`));
  $('#alert-deliveries-body').replaceChildren(...deliveries.map(row));
  $('#alert-deliveries-none').hidden = deliveries.length > 0;
}

/**
 * The filter's choices: every channel there is; the one chosen stays chosen while it exists.
 * @param {ChannelView[]} channels
 */
export function listChannels(channels) {
  const chosen = filter().value;
  const options = channels.map((c) => el('option', { value: String(c.id), text: c.name }));
  filter().replaceChildren(el('option', { value: '', text: t('alerts.allChannels') }), ...options);
  filter().value = channels.some((c) => String(c.id) === chosen) ? chosen : '';
}

/** @param {Delivery} d */
function row(d) {
  return el(
    'tr',
    { 'data-id': String(d.id), 'data-status': d.status },
    el('td', { text: when(d.createdAt) }),
    el('td', { text: d.channelName }),
    // A test stands for no event (the message names one only because every message does).
    el('td', { text: d.state === 'test' ? '—' : eventName(d.event) }),
    el('td', { text: t(`alerts.state.${d.state}`) }),
    el('td', { class: d.status === 'failed' ? 'bad' : '', text: t(`alerts.delivery.${d.status}`) }),
    el('td', { text: String(d.attempts) }),
    el('td', { text: d.lastStatus === null ? '—' : String(d.lastStatus) }),
    el('td', { class: 'delivery-error', text: d.lastError ?? '' }),
  );
}
