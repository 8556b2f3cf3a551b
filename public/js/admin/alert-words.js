// @ts-check
// The alerts tab's shared words: the page's language for the engine's bilingual texts, each event's
// name (the rule's own label, so the engine stays the one place that names its events) and the
// severity badge.
import { el, t } from './dom.js';

/** @typedef {import('./types.js').Bilingual} Bilingual @typedef {import('./types.js').AlertRule} AlertRule */
/** @typedef {import('./types.js').Severity} Severity */

/** @returns {'zh' | 'en'} */
const language = () => (document.documentElement.lang === 'en' ? 'en' : 'zh');

/**
 * A bilingual text of the engine in the page's language.
 * @param {Bilingual} text
 */
export const inLanguage = (text) => text[language()] || text.zh || text.en;

/** The rules' labels by event, from the last GET /alerts/rules. */
const labels = new Map(/** @type {[string, Bilingual][]} */ ([]));

/** @param {AlertRule[]} rules */
export function learnEventNames(rules) {
  for (const rule of rules) labels.set(rule.event, rule.label);
}

/** The event's name in the page's language; the event's id until the rules were read. @param {string} event */
export function eventName(event) {
  const label = labels.get(event);
  return label ? inLanguage(label) : event;
}

/** Every event, in the rules' order. */
export const knownEvents = () => [...labels.keys()];

/** @param {Severity} severity */
export const severityBadge = (severity) =>
  el('span', { class: `severity severity-${severity}`, 'data-severity': severity, text: t(`alerts.severity.${severity}`) });
