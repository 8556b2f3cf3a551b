// @ts-check
// Every admin action goes through /admin/api with the session cookie and, for changes, the CSRF token.
let csrfToken = '';

/** @param {string} token */
export function setCsrf(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
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
  const res = await fetch(`/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const data = /** @type {unknown} */ (await res.json().catch(() => ({})));
  if (!res.ok) throw failure(res, data);
  return data;
}

/**
 * A piece of the page the server renders (e.g. /admin/stats-cards), as HTML; failures as for api().
 * @param {string} path
 */
export async function fragment(path) {
  const res = await fetch(path);
  if (!res.ok) throw failure(res, await res.json().catch(() => ({})));
  return res.text();
}

/**
 * @param {Response} res
 * @param {unknown} data
 */
function failure(res, data) {
  const error = /** @type {{ error?: { code?: string; message?: string } }} */ (data).error;
  return new ApiError(res.status, error?.code ?? 'error', error?.message ?? res.statusText);
}
