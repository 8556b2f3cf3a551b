// @ts-check
// Small DOM helpers. User-controlled text only ever goes in through textContent.
import { formatters } from '../format.js';

/** @typedef {Readonly<Record<string, string | number | boolean | null | undefined>>} TextParams */

/** The page's texts, embedded by the server as inert JSON (views/admin.ejs). */
const texts = /** @type {Record<string, string>} */ (JSON.parse($('#i18n').textContent ?? '{}'));

/**
 * `t('page', {page: 1, pages: 3})`: the text in the page's language, `{name}` filled in; the key itself when it has none.
 * @param {string} key
 * @param {TextParams} [params]
 */
export function t(key, params = {}) {
  return (texts[key] ?? key).replace(/\{(\w+)\}/g, (_, /** @type {string} */ name) => String(params[name] ?? ''));
}

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
 * @param {ParentNode} section
 * @param {string} message
 */
export function showError(section, message) {
  const box = $('.error', HTMLElement, section);
  box.textContent = message;
  box.hidden = !message;
}

/** Money and times as everywhere else (public/js/format.js); times in the browser's own zone. */
export const { money, when } = formatters({ unknown: t('unknown'), never: t('never') }, 'local');
