// @ts-check
// The alerts tab's incidents: what is firing (or waiting to stay clear) on top, the recently resolved
// below, each with the engine's title and text in the page's language and its times.
import { api } from './api.js';
import { inLanguage, severityBadge } from './alert-words.js';
import { $, el, t, when } from './dom.js';

/** @typedef {import('./types.js').AlertIncident} AlertIncident */

const RESOLVED_SHOWN = 20;

/** Loads both lists; resolves with how many incidents are open (`state=firing`: firing or clearing). */
export async function loadIncidents() {
  const [open, resolved] = /** @type {[{ incidents: AlertIncident[] }, { incidents: AlertIncident[] }]} */ (
    await Promise.all([
      api('GET', '/alerts/incidents?state=firing&limit=200'),
      api('GET', `/alerts/incidents?state=resolved&limit=${RESOLVED_SHOWN}`),
    ])
  );
  fill('#alert-incidents-open', open.incidents, t('alerts.firingNone'));
  fill('#alert-incidents-resolved', resolved.incidents, t('alerts.resolvedNone'));
  return open.incidents.length;
}

/**
 * @param {string} selector
 * @param {AlertIncident[]} incidents
 * @param {string} none
 */
function fill(selector, incidents, none) {
  $(selector).replaceChildren(...(incidents.length ? incidents.map(item) : [el('li', { class: 'hint', text: none })]));
}

/** "started … · last seen …", and when it cleared or resolved. @param {AlertIncident} i */
function timesOf(i) {
  const times = [t('alerts.since', { time: when(i.startedAt) })];
  if (i.state === 'resolved' && i.resolvedAt) times.push(t('alerts.resolvedAt', { time: when(i.resolvedAt) }));
  else if (i.state === 'clearing' && i.clearSince) times.push(t('alerts.clearSince', { time: when(i.clearSince) }));
  else times.push(t('alerts.lastSeen', { time: when(i.lastSeenAt) }));
  return times.join(' · ');
}

/** @param {AlertIncident} i */
function item(i) {
  return el(
    'li',
    { class: `alert-incident state-${i.state}`, 'data-event': i.event, 'data-state': i.state, 'data-id': String(i.id) },
    el(
      'div',
      { class: 'incident-head' },
      severityBadge(i.severity),
      ' ',
      el('span', { class: `incident-state`, text: t(`alerts.state.${i.state}`) }),
      ' ',
      el('strong', { class: 'incident-title', text: inLanguage(i.title) }),
    ),
    el('div', { class: 'incident-text', text: inLanguage(i.text) }),
    el('small', { class: 'hint', text: timesOf(i) }),
  );
}
