// @ts-check
// Failed requests, for the scripts of every page: the server's `{error: {code, message}}` read into
// one error type, then shown in the page's language from its stable code (the `error.<code>` texts,
// src/pages/i18n.ts). The server's own message is English; it shows only for a code without a text.
import { fill } from './texts.js';

export class RequestError extends Error {
  /**
   * @param {number} status the HTTP status; 0 when no answer came
   * @param {string} code the server's stable code, or one of the pages' own (network-error, http-error, progress-lost, keys-gone)
   * @param {string} message the server's message (English)
   * @param {import('./texts.js').TextParams} [params] what the page's text for the code may fill in
   */
  constructor(status, code, message, params = {}) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.code = code;
    this.params = params;
  }
}

/**
 * fetch, with no answer at all (offline, the server down) turned into a RequestError too.
 * @param {string} url
 * @param {RequestInit} [init]
 */
export async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new RequestError(0, 'network-error', err instanceof Error ? err.message : String(err));
  }
}

/**
 * The body as JSON; undefined when it is not JSON (an empty 204, a proxy's HTML error page).
 * @param {Response} res
 * @returns {Promise<unknown>}
 */
export async function readJson(res) {
  try {
    /** @type {unknown} */
    const data = await res.json();
    return data;
  } catch {
    return undefined;
  }
}

/**
 * The RequestError a failed answer stands for: its `{error: {code, message}}`, else just its status.
 * @param {Response} res
 */
export async function failureOf(res) {
  const body = /** @type {{ error?: { code?: unknown; message?: unknown } } | undefined} */ (await readJson(res));
  const { code, message } = body?.error ?? {};
  return new RequestError(
    res.status,
    typeof code === 'string' ? code : 'http-error',
    typeof message === 'string' ? message : `HTTP ${res.status} ${res.statusText}`,
  );
}

/** "balanceRefreshCron: not a valid cron expression": the input the server named, then why (src/middleware/validate.ts). */
const FIELD_FIRST = /^([\w.]+(?:, [\w.]+)*): ([\s\S]*)$/;

/**
 * What to show for a failure, in the page's language: the page's text for the error's code (the
 * `.field` variant when the server named an input), else the server's message.
 * @param {unknown} err
 * @param {(key: string) => string | undefined} textOf the page's text for a key; undefined when it has none
 */
export function errorText(err, textOf) {
  if (!(err instanceof RequestError)) return textOf('error.unexpected') ?? String(err);
  const [, field, detail] = FIELD_FIRST.exec(err.message) ?? [];
  const template = (field === undefined ? undefined : textOf(`error.${err.code}.field`)) ?? textOf(`error.${err.code}`);
  if (template === undefined) return err.message;
  return fill(template, { ...err.params, field, detail: detail ?? err.message, status: err.status });
}
