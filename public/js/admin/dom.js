// Small DOM helpers. User-controlled text only ever goes in through textContent.
const texts = JSON.parse(document.getElementById('i18n').textContent);

export function t(key, params = {}) {
  return (texts[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function show(view) {
  for (const id of ['view-signin', 'view-password', 'view-main']) $(`#${id}`).hidden = id !== view;
}

export function showError(section, message) {
  const box = $('.error', section);
  box.textContent = message;
  box.hidden = !message;
}

export const money = (n) => (n === null ? t('unknown') : `¥${n.toFixed(2)}`);
/** In the browser's own time zone. */
export const when = (iso) => (iso === null ? t('never') : new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }));
