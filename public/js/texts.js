// @ts-check
// Filling in the texts of a page. No DOM here: unit tests run it in Node, with public/js/request-error.js.

/** @typedef {Readonly<Record<string, string | number | boolean | null | undefined>>} TextParams */

/**
 * `fill('第 {page} / {pages} 页', {page: 1, pages: 3})`: `{name}` replaced by the parameter, or nothing.
 * @param {string} template
 * @param {TextParams} [params]
 */
export function fill(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, /** @type {string} */ name) => String(params[name] ?? ''));
}
