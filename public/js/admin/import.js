// @ts-check
// The import form: pasted text or a .txt/.csv file, a preview of what the import would do (the
// balances read beside the keys included, nothing stored), then the import itself.
import { api } from './api.js';
import { handle } from './areas.js';
import { $, el, money, t } from './dom.js';
import { followJob } from './job-progress.js';

/** @typedef {import('./types.js').AccountImportPreview} ImportPreview @typedef {import('./types.js').AccountImportResult} ImportResult */

const area = () => $('#tab-keys');
const text = () => $('#import-text', HTMLTextAreaElement);

/** What an import of the text would do, listed; a new text makes it stale, so it is hidden again. */
async function preview() {
  if (!text().reportValidity()) return;
  const result = /** @type {ImportPreview} */ (await api('POST', '/keys/preview', { keys: text().value }));
  $('#import-preview-counts').textContent = t('import.previewCounts', {
    added: result.added,
    duplicates: result.duplicates,
    invalid: result.invalid,
    unusual: result.unusual,
    withBalance: result.withBalance,
  });
  if (result.withAccount + result.badAccounts) {
    $('#import-preview-counts').textContent += t('import.accountCounts', {
      withAccount: result.withAccount,
      badAccounts: result.badAccounts,
    });
  }
  $('#import-preview-body').replaceChildren(
    ...result.keys.map((k) =>
      el(
        'tr',
        { class: k.duplicate ? 'duplicate' : '' },
        el('td', {}, el('code', { text: k.maskedKey })),
        el('td', { text: k.gift === null ? '—' : money(k.gift) }),
        el('td', { text: k.paid === null ? '—' : money(k.paid) }),
        el('td', { text: k.account ?? '—' }),
        el('td', { text: t(k.duplicate ? 'import.inPool' : 'import.new') }),
      ),
    ),
  );
  const more = $('#import-preview-more');
  more.textContent = t('import.more', { count: result.keysLeftOut });
  more.hidden = result.keysLeftOut === 0;
  $('#import-preview-box').hidden = false;
}

/**
 * @param {{ loadKeys: () => Promise<unknown>; reload: () => Promise<unknown> }} list
 * @param {SubmitEvent} event
 */
async function importKeys(list, event) {
  event.preventDefault();
  $('#import-result').textContent = '';
  const body = {
    keys: text().value,
    check: $('#import-check', HTMLInputElement).checked,
    updateExistingBalances: $('#import-update-balances', HTMLInputElement).checked,
  };
  const result = /** @type {ImportResult} */ (await api('POST', '/keys', body));
  const balances = result.balancesSet + result.balancesSkipped ? t('import.balanceResult', result) : '';
  const accounts = result.accountsSet + result.badAccounts ? t('import.accountResult', result) : '';
  $('#import-result').textContent = t('importResult', result) + balances + accounts;
  text().value = '';
  $('#import-preview-box').hidden = true;
  await list.loadKeys();
  if (result.jobId) await followJob(result.jobId);
  await list.reload();
}

/** @param {{ loadKeys: () => Promise<unknown>; reload: () => Promise<unknown> }} list the key list, loaded again after an import */
export function initImport(list) {
  // A .txt or .csv file is read in the browser and goes the same way as pasted text.
  const fileInput = $('#import-file', HTMLInputElement);
  fileInput.addEventListener(
    'change',
    handle(area(), async () => {
      const file = fileInput.files?.[0];
      if (file) text().value = await file.text();
      $('#import-preview-box').hidden = true;
    }),
  );
  text().addEventListener('input', () => {
    $('#import-preview-box').hidden = true;
  });
  $('#open-import').addEventListener('click', () => {
    $('#import-form').hidden = !$('#import-form').hidden;
  });
  $('#import-preview').addEventListener('click', handle(area(), preview));
  $('#import-form', HTMLFormElement).addEventListener(
    'submit',
    handle(area(), (/** @type {SubmitEvent} */ event) => importKeys(list, event)),
  );
}
