import { api, ApiError, setCsrf } from './api.js';
import { $, show, showError, t } from './dom.js';
import { initKeys, loadKeys } from './keys.js';
import { initLogs, loadLogs } from './logs.js';
import { initSettings, loadSettings } from './settings.js';
import { loadStats } from './stats.js';

async function start() {
  try {
    enter(await api('GET', '/session'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) show('view-signin');
    else throw err;
  }
}

/** Signed in: the forced password change first, then the main view. */
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
    enter(await api('POST', '/login', { username: $('#signin-username').value, password: $('#signin-password').value }));
  } catch (err) {
    showError(section, err.code === 'wrong-credentials' ? t('wrongCredentials') : err.message);
  }
});

$('#password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    enter(await api('PUT', '/password', { current: $('#password-current').value, next: $('#password-next').value }));
  } catch (err) {
    showError($('#view-password'), err.message);
  }
});

$('#signout').addEventListener('click', async () => {
  await api('POST', '/logout');
  location.reload();
});

const TABS = { keys: loadKeys, logs: loadLogs, settings: loadSettings };
for (const tab of document.querySelectorAll('[data-tab]')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('[data-tab]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      $(`#tab-${other.dataset.tab}`).hidden = !selected;
    }
    TABS[tab.dataset.tab]();
  });
}

initKeys();
initLogs();
initSettings();
start();
