// @ts-check
// Every admin action goes through /admin/api with the session cookie and, for changes, the CSRF token.
// A failure of any kind rejects with a RequestError (public/js/request-error.js).
import { failureOf, readJson, send } from '../request-error.js';

let csrfToken = '';

/** @param {string} token */
export function setCsrf(token) {
  csrfToken = token;
}

/**
 * The JSON answer (null for 204), as `unknown`: each caller states the shape it reads.
 * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await send(`/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await failureOf(res);
  return res.status === 204 ? null : readJson(res);
}

/**
 * A piece of the page the server renders (e.g. /admin/stats-cards), as HTML.
 * @param {string} path
 */
export async function fragment(path) {
  const res = await send(path);
  if (!res.ok) throw await failureOf(res);
  return res.text();
}

/**
 * A download (the keys export) fetched first, so that a failure shows on the page instead of
 * replacing it with the error's JSON; then saved under the server's file name.
 * @param {string} url
 */
export async function download(url) {
  const res = await send(url);
  if (!res.ok) throw await failureOf(res);
  // `attachment; filename=siliconflow-keys-2024-05-06.txt` (quoted when the name needs it).
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const href = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  link.click();
  // After the click has handed the file to the browser's download.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}
