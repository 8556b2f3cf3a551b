// @ts-check
// The alerts tab's rules: one row per event (GET /alerts/rules) with its switch, severity, how long
// it must stay clear before "resolved" is sent, and its numbers; each row saves on its own (PATCH
// /alerts/rules/:event) and shows what the server said beside its button.
import { api } from './api.js';
import { $, el, failureText, t } from './dom.js';
import { inLanguage, learnEventNames } from './alert-words.js';

/** @typedef {import('./types.js').AlertRule} AlertRule @typedef {import('./types.js').Severity} Severity */

const SEVERITIES = /** @type {const} */ (['info', 'warning', 'critical']);

export async function loadRules() {
  const { rules } = /** @type {{ rules: AlertRule[] }} */ (await api('GET', '/alerts/rules'));
  learnEventNames(rules);
  $('#alert-rules-body').replaceChildren(...rules.map(ruleRow));
  return rules;
}

/**
 * A number input; what the browser cannot read as a number goes as typed, so the server names the field.
 * @param {HTMLInputElement} input
 */
const numberOf = (input) => (Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : input.value);

/**
 * @param {string} name
 * @param {number} value
 * @param {Record<string, string>} [attrs]
 */
function numberInput(name, value, attrs = {}) {
  return el('input', { type: 'number', step: 'any', 'data-param': name, value: String(value), class: 'rule-number', ...attrs });
}

/** @param {AlertRule} rule */
function paramsCell(rule) {
  const names = Object.keys(rule.params);
  if (!names.length) return el('td', { class: 'hint', text: t('alerts.rule.noParams') });
  return el(
    'td',
    { class: 'rule-params' },
    ...names.map((name) => {
      const id = `alert-rule-${rule.event}-${name}`;
      // A parameter this page has no words for yet shows under its own name (the rule's help names it).
      const words = t(`alerts.param.${name}`);
      const label = el('label', { for: id, text: words === `alerts.param.${name}` ? name : words });
      return el('div', {}, label, numberInput(name, rule.params[name] ?? 0, { id, min: '0' }));
    }),
  );
}

/** @param {AlertRule} rule */
function ruleRow(rule) {
  const enabled = el('input', { type: 'checkbox', 'data-field': 'enabled', 'aria-label': t('alerts.rule.enabled') });
  enabled.checked = rule.enabled;
  const severity = el(
    'select',
    { 'data-field': 'severity', 'aria-label': t('alerts.rule.severity') },
    ...SEVERITIES.map((s) => el('option', { value: s, text: t(`alerts.severity.${s}`) })),
  );
  severity.value = rule.severity;
  const clearAfter = numberInput('', rule.clearAfterSeconds, {
    min: '0',
    max: '86400',
    step: '1',
    'aria-label': t('alerts.rule.clearAfter'),
  });
  clearAfter.dataset.field = 'clearAfterSeconds';
  const outcome = el('span', { class: 'rule-outcome', role: 'status' });
  const save = el('button', { type: 'button', 'data-action': 'save', text: t('save') });
  const row = el(
    'tr',
    { 'data-event': rule.event },
    el('td', {}, el('strong', { text: inLanguage(rule.label) }), el('small', { class: 'hint', text: inLanguage(rule.help) })),
    el('td', {}, enabled),
    el('td', {}, severity),
    el('td', {}, clearAfter),
    paramsCell(rule),
    el('td', { class: 'row-actions' }, save, outcome),
  );
  save.addEventListener('click', () => void saveRule(row, rule.event));
  return row;
}

/**
 * Sends the row as it stands; the saved rule replaces the row, a refusal shows beside the button.
 * @param {HTMLTableRowElement} row
 * @param {string} event
 */
async function saveRule(row, event) {
  const field = (/** @type {string} */ name) => $(`[data-field="${name}"]`, HTMLElement, row);
  /** @type {Record<string, number | string>} */
  const params = {};
  for (const input of row.querySelectorAll('input[data-param]:not([data-param=""])')) {
    if (input instanceof HTMLInputElement) params[input.dataset.param ?? ''] = numberOf(input);
  }
  const body = {
    enabled: /** @type {HTMLInputElement} */ (field('enabled')).checked,
    severity: /** @type {HTMLSelectElement} */ (field('severity')).value,
    clearAfterSeconds: numberOf(/** @type {HTMLInputElement} */ (field('clearAfterSeconds'))),
    ...(Object.keys(params).length ? { params } : {}),
  };
  const outcome = $('.rule-outcome', HTMLElement, row);
  outcome.classList.remove('bad');
  outcome.textContent = '';
  try {
    const saved = /** @type {AlertRule} */ (await api('PATCH', `/alerts/rules/${encodeURIComponent(event)}`, body));
    const fresh = ruleRow(saved);
    row.replaceWith(fresh);
    $('.rule-outcome', HTMLElement, fresh).textContent = t('alerts.rule.saved');
  } catch (err) {
    outcome.classList.add('bad');
    outcome.textContent = failureText(err);
  }
}
