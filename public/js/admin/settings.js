// @ts-check
// The settings tab: the runtime settings form, the admin's password, the /v1 access key.
import { loadAccountLimits } from './account-limits.js';
import { api } from './api.js';
import { handle } from './areas.js';
import { $, t } from './dom.js';

/** @typedef {import('./types.js').SettingsView} SettingsView @typedef {import('./types.js').AccessKey} AccessKey */

const form = () => $('#settings-form', HTMLFormElement);

/**
 * The form's inputs that carry a setting (each named after it; the server renders one per runtime
 * setting). Their data- attributes say how to read them: data-flag a checkbox, data-number a number,
 * data-list one item per line, data-lines one line each (the server checks and names a bad one), data-secret a value never sent back (typed in to change it).
 */
function fields() {
  return [...form().elements].filter(
    /** @returns {f is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */
    (f) => (f instanceof HTMLInputElement || f instanceof HTMLSelectElement || f instanceof HTMLTextAreaElement) && f.name !== '',
  );
}

export async function loadSettings() {
  const { values } = /** @type {SettingsView} */ (await api('GET', '/settings'));
  for (const input of fields()) {
    if (input.dataset.secret !== undefined) continue;
    const value = values[input.name];
    if (input instanceof HTMLInputElement && input.dataset.flag !== undefined) input.checked = value === true;
    else input.value = Array.isArray(value) ? value.join('\n') : String(value);
  }
  $('#access-key').textContent = /** @type {AccessKey} */ (await api('GET', '/access-key')).key;
  await loadAccountLimits();
}

/** Sends the fields as their types: numbers, lists, and a secret only when one was typed. */
function collect() {
  /** @type {Record<string, unknown>} */
  const body = {};
  for (const input of fields()) {
    if (input.dataset.secret !== undefined) {
      if (input.value) body[input.name] = input.value;
    } else if (input instanceof HTMLInputElement && input.dataset.flag !== undefined) body[input.name] = input.checked;
    else if (input.dataset.number !== undefined) body[input.name] = Number(input.value);
    else if (input.dataset.list !== undefined) body[input.name] = input.value.split(/[\s,]+/).filter(Boolean);
    else if (input.dataset.lines !== undefined) body[input.name] = input.value.split('\n');
    else body[input.name] = input.value;
  }
  return body;
}

export function initSettings() {
  const area = $('#tab-settings');
  form().addEventListener(
    'submit',
    handle(area, async (event) => {
      event.preventDefault();
      $('#settings-result').textContent = '';
      await api('PUT', '/settings', collect());
      $('#settings-result').textContent = t('saved');
      for (const input of fields()) if (input.dataset.secret !== undefined) input.value = '';
      await loadSettings();
    }),
  );
  const passwordForm = $('#password-change-form', HTMLFormElement);
  passwordForm.addEventListener(
    'submit',
    handle(area, async (event) => {
      event.preventDefault();
      $('#password-change-result').textContent = '';
      await api('PUT', '/password', {
        current: $('#change-current', HTMLInputElement).value,
        next: $('#change-next', HTMLInputElement).value,
      });
      $('#password-change-result').textContent = t('saved');
      passwordForm.reset();
    }),
  );
  $('#rotate-key').addEventListener(
    'click',
    handle(area, async () => {
      if (!confirm(t('confirmRotate'))) return;
      $('#access-key').textContent = /** @type {AccessKey} */ (await api('POST', '/access-key/rotate')).key;
    }),
  );
}
