// @ts-check
// The user page's client key lookup (issue 12): the holder pastes their own key and sees its usage,
// what is left of its budgets, its models and expiry. The key is sent once and never kept: not in
// storage, and the field is emptied as soon as it is sent.
import { yuanText } from './exact-yuan.js';
import { formatters } from './format.js';
import { errorText, failureOf, readJson, send } from './request-error.js';
import { readEmbedded } from './embedded.js';
import { fill } from './texts.js';

/**
 * What POST /api/client-key/lookup answers (docs/admin-api.en.md, "The lookup for a key's holder").
 * @typedef {{ yuan: string; kind: 'exact' | 'estimated' | 'unknown' }} Money
 * @typedef {{ requests: number; tokens: number; spent: Money }} Figures
 * @typedef {Money & { limit: string; resetsAt: string | null }} Remaining
 * @typedef {{
 *   name: string; maskedKey: string; status: string; expiresAt: string | null; models: string[]; freeOnly: boolean;
 *   rpm: number | null; maxConcurrent: number | null; usage: { today: Figures; thisMonth: Figures; total: Figures };
 *   remaining: Record<'day' | 'month' | 'total', Remaining | null>;
 * }} Lookup
 */

/** The texts of the page's language that this script fills in (src/routes/pages.routes.ts picks them). */
const texts = /** @type {Record<string, string>} */ (readEmbedded('lookup-texts'));
/** @param {string} key @param {import('./texts.js').TextParams} [params] */
const t = (key, params) => fill(texts[key] ?? key, params);
const { when } = formatters({ unknown: t('unknown'), never: t('never') }, 'local');

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

const form = byId('lookup-form', HTMLFormElement);
const field = byId('lookup-key', HTMLInputElement);
const errorBox = byId('lookup-error', HTMLElement);
const result = byId('lookup-result', HTMLElement);

/** "≈¥0.0042" for an estimate, "¥0.00" when exact (nothing used). @param {Money} m */
const money = (m) => (m.kind === 'unknown' ? t('unknown') : m.kind === 'estimated' ? `≈${yuanText(m.yuan)}` : yuanText(m.yuan));
/** @param {number} n */
const count = (n) => n.toLocaleString();
/** @param {Figures} f */
const usage = (f) => t('lookup.usage', { requests: count(f.requests), tokens: count(f.tokens), money: money(f.spent) });

/** @param {Lookup} found */
function modelsText(found) {
  const named = found.models.length ? found.models.join(', ') : '';
  if (found.freeOnly) return named ? `${t('lookup.freeOnly')} · ${named}` : t('lookup.freeOnly');
  return named || t('lookup.allModels');
}

/** @param {Lookup} found */
function limitsText(found) {
  const parts = [];
  if (found.rpm !== null) parts.push(t('lookup.rpm', { n: found.rpm }));
  if (found.maxConcurrent !== null) parts.push(t('lookup.concurrent', { n: found.maxConcurrent }));
  return parts.length ? parts.join(' · ') : t('lookup.noLimits');
}

/** One line per budget that is set: what is left of how much, and when it resets. @param {Lookup} found */
function remainingLines(found) {
  const lines = [];
  for (const period of /** @type {const} */ (['day', 'month', 'total'])) {
    const r = found.remaining[period];
    if (!r) continue;
    const line = document.createElement('div');
    line.dataset.period = period;
    const left = t(`lookup.left.${period}`, { left: money(r), limit: yuanText(r.limit) });
    line.textContent = r.resetsAt ? left + t('lookup.resets', { time: when(r.resetsAt) }) : left;
    lines.push(line);
  }
  if (lines.length === 0) lines.push(document.createTextNode(t('lookup.noBudget')));
  return lines;
}

/** @param {Lookup} found */
function showResult(found) {
  /** @param {string} name @param {string} text */
  const set = (name, text) => (byId(`lookup-${name}`, HTMLElement).textContent = text);
  set('name', `${found.name} (${found.maskedKey})`);
  set('status', t(`clients.status.${found.status}`));
  set('expires', found.expiresAt ? when(found.expiresAt) : t('lookup.neverExpires'));
  set('models', modelsText(found));
  set('limits', limitsText(found));
  set('today', usage(found.usage.today));
  set('month', usage(found.usage.thisMonth));
  set('total', usage(found.usage.total));
  byId('lookup-remaining', HTMLElement).replaceChildren(...remainingLines(found));
  result.hidden = false;
}

/** @param {string} key @returns {Promise<Lookup>} */
async function lookUp(key) {
  const res = await send('/api/client-key/lookup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  if (!res.ok) throw await failureOf(res);
  return /** @type {Lookup} */ (await readJson(res));
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = field.value.trim();
  // Sent once, then gone from the page.
  field.value = '';
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button'));
  button.disabled = true;
  errorBox.hidden = true;
  result.hidden = true;
  lookUp(key)
    .then(showResult)
    .catch((/** @type {unknown} */ err) => {
      errorBox.textContent = errorText(err, (k) => texts[k]);
      errorBox.hidden = false;
    })
    .finally(() => {
      button.disabled = false;
    });
});
