// @ts-check
// The alerts tab (issue 14): incidents, channels, rules and the delivery log, each in its own module
// (alert-*.js); this one loads them together and keeps the overview's "N alerts firing" badge.
import { api } from './api.js';
import { attempt, handle } from './areas.js';
import { initChannels, loadChannels } from './alert-channels.js';
import { listChannels, loadDeliveries } from './alert-deliveries.js';
import { loadIncidents } from './alert-incidents.js';
import { loadRules } from './alert-rules.js';
import { $, t } from './dom.js';

/** @typedef {import('./types.js').AlertIncident} AlertIncident */

const area = () => $('#tab-alerts');

/**
 * The rules first: they name the events the other lists show. Each list loads even when another
 * fails (the tab still shows what it can); the first failure is what the tab's error box says.
 */
export async function loadAlerts() {
  const rules = await Promise.allSettled([loadRules()]);
  const lists = await Promise.allSettled([loadChannels().then(listChannels), loadIncidents().then(showBadge), loadDeliveries()]);
  const failed = [...rules, ...lists].find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The channels and the log again, after a change or a test (the tab's own lists, not the rules). */
async function reloadChannels() {
  listChannels(await loadChannels());
  await loadDeliveries();
}

/** @param {number} open */
function showBadge(open) {
  const badge = $('#alerts-badge');
  badge.textContent = t('alerts.badge', { n: open });
  badge.hidden = open === 0;
}

/** The overview's badge: how many incidents are firing now (cheap: one list of the open ones). */
export async function loadAlertsBadge() {
  const { incidents } = /** @type {{ incidents: AlertIncident[] }} */ (await api('GET', '/alerts/incidents?state=firing&limit=200'));
  showBadge(incidents.length);
}

export function initAlerts() {
  initChannels();
  area().addEventListener('alerts-changed', () => void attempt(area(), reloadChannels));
  $('#alerts-refresh').addEventListener('click', handle(area(), loadAlerts));
  $('#alert-deliveries-refresh').addEventListener('click', handle(area(), loadDeliveries));
  $('#alert-deliveries-channel').addEventListener('change', handle(area(), loadDeliveries));
  $('#alerts-badge').addEventListener('click', (event) => {
    event.preventDefault();
    $('[data-tab=alerts]').click();
  });
}
