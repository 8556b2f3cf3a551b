// @ts-check
// The user page's key checker: POST /api/check-keys, results shown with textContent only, failures
// in the page's language (public/js/request-error.js).
import { formatMoney } from './format.js';
import { errorText, failureOf, readJson, send } from './request-error.js';
import { readEmbedded } from './embedded.js';

/**
 * What views/index.ejs embeds for the checker (src/routes/pages.routes.ts builds it).
 * @typedef {{ unknown: string; statuses: Record<string, string>; errors: Record<string, string> }} CheckerTexts
 * @typedef {{ maskedKey: string; status: string; totalBalance: number | null; error: string | null }} CheckedKey
 */

/**
 * @template {Element} E
 * @param {string} id
 * @param {{ new (): E; prototype: E }} type
 * @returns {E}
 */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
  return node;
}

const texts = /** @type {CheckerTexts} */ (readEmbedded('checker-texts'));
const form = byId('checker-form', HTMLFormElement);
const table = byId('checker-results', HTMLTableElement);
const errorBox = byId('checker-error', HTMLElement);

/** @returns {Promise<CheckedKey[]>} */
async function check() {
  const res = await send('/api/check-keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keys: byId('checker-text', HTMLTextAreaElement).value }),
  });
  if (!res.ok) throw await failureOf(res);
  return /** @type {{ results: CheckedKey[] }} */ (await readJson(res)).results;
}

/** @param {CheckedKey} r */
function resultRow(r) {
  const row = document.createElement('tr');
  for (const [text, cls] of [
    [r.maskedKey, ''],
    [texts.statuses[r.status] ?? r.status, `status status-${r.status}`],
    [formatMoney(r.totalBalance, texts.unknown), ''],
  ]) {
    const cell = document.createElement('td');
    const span = document.createElement('span');
    span.textContent = text ?? '';
    if (cls) span.className = cls;
    if (r.error && cls) span.title = r.error;
    cell.append(span);
    row.append(cell);
  }
  return row;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  errorBox.hidden = true;
  check()
    .then((results) => {
      table.tBodies[0]?.replaceChildren(...results.map(resultRow));
      table.hidden = false;
    })
    .catch((/** @type {unknown} */ err) => {
      errorBox.textContent = errorText(err, (key) => texts.errors[key]);
      errorBox.hidden = false;
    })
    .finally(() => {
      button.disabled = false;
    });
});
