// @ts-check
// The user page's self-issue form (views/partials/self-issue.ejs): POST /api/client-key/self-issue,
// the key shown once (textContent only) in the copy field and both snippets; failures in the page's
// language from their code (public/js/request-error.js).
import { errorText, failureOf, readJson, send } from './request-error.js';
import { readEmbedded } from './embedded.js';
import { fill } from './texts.js';

/**
 * What the partial embeds (src/routes/pages.routes.ts builds it).
 * @typedef {{ expires: string; errors: Record<string, string> }} SelfIssueTexts
 * @typedef {{ key: string; client: { name: string; expiresAt: string | null } }} Issued
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

const texts = /** @type {SelfIssueTexts} */ (readEmbedded('self-issue-texts'));
const form = byId('self-issue-form', HTMLFormElement);
const errorBox = byId('self-issue-error', HTMLElement);
const result = byId('self-issue-result', HTMLElement);

/** @returns {Promise<Issued>} */
async function issue() {
  const name = byId('self-issue-name', HTMLInputElement).value.trim();
  const res = await send('/api/client-key/self-issue', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { name } : {}),
  });
  if (!res.ok) throw await failureOf(res);
  return /** @type {Issued} */ (await readJson(res));
}

/** @param {Issued} issued */
function show(issued) {
  byId('self-issue-key', HTMLElement).textContent = issued.key;
  for (const slot of result.querySelectorAll('.self-issue-slot')) slot.textContent = issued.key;
  const expires = issued.client.expiresAt ? new Date(issued.client.expiresAt).toLocaleString() : '';
  byId('self-issue-expiry', HTMLElement).textContent = expires ? fill(texts.expires, { when: expires }) : '';
  result.hidden = false;
  // One key each: the form has done its work.
  form.hidden = true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  errorBox.hidden = true;
  issue()
    .then(show)
    .catch((/** @type {unknown} */ err) => {
      errorBox.textContent = errorText(err, (key) => texts.errors[key]);
      errorBox.hidden = false;
    })
    .finally(() => {
      button.disabled = false;
    });
});
