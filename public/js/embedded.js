// @ts-check
// What the server hands a page's scripts (the texts in the page's language, …): inert JSON in a
// <script type="application/json">, since the CSP allows no inline script and JSON is never run.

/**
 * The JSON in the element with this id, as the caller declares it.
 * @param {string} id
 * @returns {unknown}
 */
export function readEmbedded(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return JSON.parse(node.textContent ?? '{}');
}
