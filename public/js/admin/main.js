// @ts-check
import { api, ApiError, setCsrf } from './api.js';
import { $, $$, show, showError, t } from './dom.js';
import { initKeys, loadKeys } from './keys.js';
import { initLogs, loadLogs } from './logs.js';
import { initSettings, loadSettings } from './settings.js';
import { loadStats } from './stats.js';

/** @typedef {import('./types.js').Session} Session */

async function start() {
  try {
    enter(/** @type {Session} */ (await api('GET', '/session')));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) show('view-signin');
    else throw err;
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
  loadStats();
  loadKeys();
}

$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const section = $('#view-signin');
  try {
    const credentials = {
      username: $('#signin-username', HTMLInputElement).value,
      password: $('#signin-password', HTMLInputElement).value,
    };
    enter(/** @type {Session} */ (await api('POST', '/login', credentials)));
  } catch (err) {
    const { code, message } = /** @type {ApiError} */ (err);
    showError(section, code === 'wrong-credentials' ? t('wrongCredentials') : message);
  }
});

$('#password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const change = { current: $('#password-current', HTMLInputElement).value, next: $('#password-next', HTMLInputElement).value };
    enter(/** @type {Session} */ (await api('PUT', '/password', change)));
  } catch (err) {
    showError($('#view-password'), /** @type {Error} */ (err).message);
  }
});

$('#signout').addEventListener('click', async () => {
  await api('POST', '/logout');
  location.reload();
});

/** @type {Record<string, () => Promise<void>>} */
const TABS = { keys: loadKeys, logs: loadLogs, settings: loadSettings };
for (const tab of $$('[data-tab]')) {
  tab.addEventListener('click', () => {
    for (const other of $$('[data-tab]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      $(`#tab-${other.dataset.tab}`).hidden = !selected;
    }
    TABS[tab.dataset.tab ?? '']?.();
  });
}

initKeys();
initLogs();
initSettings();
start();
