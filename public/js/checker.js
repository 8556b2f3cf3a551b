// @ts-check
// The user page's key checker: POST /api/check-keys, results shown with textContent only.
import { formatMoney } from './format.js';

/**
 * @typedef {{ unknown: string; statuses: Record<string, string> }} CheckerTexts
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

const texts = /** @type {CheckerTexts} */ (JSON.parse(byId('checker-texts', HTMLScriptElement).textContent ?? '{}'));
const form = byId('checker-form', HTMLFormElement);
const table = byId('checker-results', HTMLTableElement);
const errorBox = byId('checker-error', HTMLElement);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const res = await fetch('/api/check-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: byId('checker-text', HTMLTextAreaElement).value }),
    });
    const data = /** @type {{ results: CheckedKey[]; error?: { message?: string } }} */ (await res.json());
    if (!res.ok) throw new Error(data.error?.message ?? res.statusText);
    table.tBodies[0]?.replaceChildren(
      ...data.results.map((r) => {
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
      }),
    );
    table.hidden = false;
  } catch (err) {
    errorBox.textContent = /** @type {Error} */ (err).message;
    errorBox.hidden = false;
  } finally {
    button.disabled = false;
  }
});
