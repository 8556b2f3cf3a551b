import { api } from './api.js';
import { $, showError, t } from './dom.js';

const form = () => $('#settings-form');

export async function loadSettings() {
  const { values } = await api('GET', '/settings');
  for (const input of form().elements) {
    if (!input.name || input.name === 'guestPassword') continue;
    const value = values[input.name];
    if (input.dataset.flag !== undefined) input.checked = value === true;
    else input.value = Array.isArray(value) ? value.join('\n') : String(value);
  }
  $('#access-key').textContent = (await api('GET', '/access-key')).key;
}

/** Sends the fields as their types: numbers, lists, and the guest password only when one was typed. */
function collect() {
  const body = {};
  for (const input of form().elements) {
    if (!input.name) continue;
    if (input.name === 'guestPassword') {
      if (input.value) body.guestPassword = input.value;
    } else if (input.dataset.flag !== undefined) body[input.name] = input.checked;
    else if (input.dataset.number !== undefined) body[input.name] = Number(input.value);
    else if (input.dataset.list !== undefined) body[input.name] = input.value.split(/[\s,]+/).filter(Boolean);
    else body[input.name] = input.value;
  }
  return body;
}

export function initSettings() {
  const section = $('#tab-settings');
  form().addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#settings-result').textContent = '';
    try {
      await api('PUT', '/settings', collect());
      showError(section, '');
      $('#settings-result').textContent = t('saved');
      $('#set-guestPassword').value = '';
      await loadSettings();
    } catch (err) {
      showError(section, err.message);
    }
  });
  $('#password-change-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('PUT', '/password', { current: $('#change-current').value, next: $('#change-next').value });
      $('#password-change-result').textContent = t('saved');
      event.target.reset();
    } catch (err) {
      $('#password-change-result').textContent = err.message;
    }
  });
  $('#rotate-key').addEventListener('click', async () => {
    if (!confirm(t('confirmRotate'))) return;
    $('#access-key').textContent = (await api('POST', '/access-key/rotate')).key;
  });
}
