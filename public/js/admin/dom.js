// @ts-check
// Small DOM helpers. User-controlled text only ever goes in through textContent.
import { formatters } from '../format.js';
import { errorText } from '../request-error.js';
import { readEmbedded } from '../embedded.js';
import { fill } from '../texts.js';

/** Every text of the page's language (views/admin.ejs embeds them). */
const texts = /** @type {Record<string, string>} */ (readEmbedded('i18n'));

/**
 * `t('page', {page: 1, pages: 3})`: the text in the page's language, `{name}` filled in; the key itself when it has none.
 * @param {string} key
 * @param {import('../texts.js').TextParams} [params]
 */
export function t(key, params) {
  return fill(texts[key] ?? key, params);
}

/**
 * A failure in the page's language (public/js/request-error.js).
 * @param {unknown} err
 */
export const failureText = (err) => errorText(err, (key) => texts[key]);

/**
 * The element `selector` finds, of the given type (HTMLElement unless said). A missing or different
 * element is a mismatch between the view and this code, so it throws instead of returning null.
 * @template {Element} [E=HTMLElement]
 * @param {string} selector
 * @param {{ new (): E; prototype: E }} [type]
 * @param {ParentNode} [root]
 * @returns {E}
 */
export function $(selector, type, root = document) {
  const node = root.querySelector(selector);
  const expected = type ?? HTMLElement;
  if (!(node instanceof expected)) throw new Error(`the page has no ${expected.name} ${selector}`);
  return /** @type {E} */ (node);
}

/**
 * Every element `selector` finds, of the given type (HTMLElement unless said).
 * @template {Element} [E=HTMLElement]
 * @param {string} selector
 * @param {{ new (): E; prototype: E }} [type]
 * @returns {E[]}
 */
export function $$(selector, type) {
  const expected = type ?? HTMLElement;
  return [...document.querySelectorAll(selector)].filter((node) => node instanceof expected).map((node) => /** @type {E} */ (node));
}

/**
 * `el('td', {class: 'bad', text: '500'}, child…)`: `text` becomes textContent, `on…` a listener, the rest attributes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | ((event: Event) => void)>} [props]
 * @param {(Node | string)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** @param {'view-signin' | 'view-password' | 'view-main'} view */
export function show(view) {
  for (const id of ['view-signin', 'view-password', 'view-main']) $(`#${id}`).hidden = id !== view;
}

/**
 * Shows `message` in the section's error box (none: hides it), brought into view: the box sits at the
 * top of its area, the button that failed may be far below.
 * @param {ParentNode} section
 * @param {string} message
 */
export function showError(section, message) {
  const box = $('.error', HTMLElement, section);
  box.textContent = message;
  box.hidden = !message;
  if (message) box.scrollIntoView({ block: 'nearest' });
}

/** Money and times as everywhere else (public/js/format.js); times in the browser's own zone. */
export const { money, when } = formatters({ unknown: t('unknown'), never: t('never') }, 'local');
