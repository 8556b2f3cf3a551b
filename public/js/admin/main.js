// @ts-check
// The admin page: sign-in, the forced password change, then the overview and the tabs.
import { RequestError } from '../request-error.js';
import { api, setCsrf } from './api.js';
import { initAccountLimits } from './account-limits.js';
import { initAlerts, loadAlerts, loadAlertsBadge } from './alerts.js';
import { attempt, handle } from './areas.js';
import { initClients, loadClients } from './clients.js';
import { $, $$, failureText, show, showError } from './dom.js';
import { initKeys, loadKeys } from './keys.js';
import { initLogs, loadLogs } from './logs.js';
import { initPrices, loadPrices } from './prices.js';
import { initSettings, loadSettings } from './settings.js';
import { initSpend, loadSpend } from './spend.js';
import { refreshStats } from './stats.js';

/** @typedef {import('./types.js').Session} Session */

/** The session there is: signed in, or the sign-in form (with what went wrong when it was not a plain 401). */
async function start() {
  try {
    enter(/** @type {Session} */ (await api('GET', '/session')));
  } catch (err) {
    show('view-signin');
    if (!(err instanceof RequestError && err.status === 401)) showError($('#view-signin'), failureText(err));
  }
}

/**
 * Signed in: the forced password change first, then the main view.
 * @param {Session} session
 */
function enter(session) {
  setCsrf(session.csrfToken);
  if (session.mustChangePassword) return show('view-password');
  show('view-main');
  void refreshStats();
  void attempt($('#overview'), loadAlertsBadge);
  // A link to one tab (an alert's message links to /admin#keys, #spend, …) opens that tab.
  const linked = $$('[data-tab]').find((tab) => location.hash === `#${tab.dataset.tab ?? ''}`);
  if (linked) linked.click();
  else void attempt($('#tab-keys'), loadKeys);
}

$('#signin-form').addEventListener(
  'submit',
  handle($('#view-signin'), async (event) => {
    event.preventDefault();
    const credentials = {
      username: $('#signin-username', HTMLInputElement).value,
      password: $('#signin-password', HTMLInputElement).value,
    };
    enter(/** @type {Session} */ (await api('POST', '/login', credentials)));
  }),
);

$('#password-form').addEventListener(
  'submit',
  handle($('#view-password'), async (event) => {
    event.preventDefault();
    const change = { current: $('#password-current', HTMLInputElement).value, next: $('#password-next', HTMLInputElement).value };
    enter(/** @type {Session} */ (await api('PUT', '/password', change)));
  }),
);

$('#signout').addEventListener(
  'click',
  handle($('#overview'), async () => {
    await api('POST', '/logout');
    location.reload();
  }),
);

/** @type {Record<string, () => Promise<void>>} */
const TABS = {
  keys: loadKeys,
  logs: loadLogs,
  settings: loadSettings,
  spend: loadSpend,
  prices: loadPrices,
  clients: loadClients,
  alerts: loadAlerts,
};
for (const tab of $$('[data-tab]')) {
  const name = tab.dataset.tab ?? '';
  tab.addEventListener('click', () => {
    for (const other of $$('[data-tab]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      $(`#tab-${other.dataset.tab ?? ''}`).hidden = !selected;
    }
    const load = TABS[name];
    if (load) void attempt($(`#tab-${name}`), load);
  });
}

initKeys();
initLogs();
initSettings();
initAccountLimits();
initSpend();
initPrices();
initClients();
initAlerts();
void start();
