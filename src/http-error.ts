import type { ServerResponse } from 'node:http';

/** The one error type routes and services throw; the error handler answers it with errorBody's shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (code: string, message: string) => new HttpError(404, code, message);

/** What every JSON error names: a code clients and tests branch on, a message people read, and whatever else that error carries. */
export type ErrorObject = { code: string | number; message: string } & Record<string, unknown>;
export type ErrorBody = Record<string, unknown> & { error: ErrorObject };

/**
 * The one shape of every JSON error this server answers itself: `{error: {code, message, …}}`. The
 * admin API, /metrics and /health use kebab-case codes; the /v1 proxy its numeric ones, with OpenAI's
 * `error.type` in `details` and the original system's top-level `code` and `message` `beside` it
 * (proxy-errors.ts); /health keeps its `status` beside it.
 */
export function errorBody(
  code: string | number,
  message: string,
  more: { details?: Record<string, unknown>; beside?: Record<string, unknown> } = {},
): ErrorBody {
  return { ...more.beside, error: { code, message, ...more.details } };
}

/**
 * Sends an error body as the whole answer, on Express's response or the proxy's bare one alike. Once
 * the headers are out (mid-stream) there is no second answer to give: it ends what was started.
 */
export function sendJsonError(res: ServerResponse, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
