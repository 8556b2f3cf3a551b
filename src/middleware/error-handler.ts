import type { ErrorRequestHandler, RequestHandler } from 'express';
import { errorBody, HttpError, sendJsonError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { renderErrorPage, wantsErrorPage } from '../pages/error-page.js';

/** Errors Express's body parser raises, mapped by their `type` (never by message text). */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid-json', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'payload-too-large', 'The request body is too large.'],
  'encoding.unsupported': [415, 'unsupported-encoding', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported-charset', 'The request body charset is not supported.'],
};

export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? PARSER_ERRORS[type] : undefined;
  return known ? new HttpError(...known) : undefined;
}

/**
 * The one error handler: expected errors show their message, anything else is logged whole and
 * answered 500. API clients get `{error: {code, message}}` (errorBody); a browser asking for a page gets the
 * same error as an HTML page in its language (src/pages/error-page.ts).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const httpError = toHttpError(err);
    if (!httpError) logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    // Mid-stream (SSE, a download) there is no second response to send: end what was started.
    if (res.headersSent) {
      res.end();
      return;
    }
    const error = httpError ?? new HttpError(500, 'internal-error', 'Something went wrong on the server; the details are in its log.');
    if (wantsErrorPage(req)) return renderErrorPage(req, res, error, logger);
    const { status, code, message, extra } = error;
    sendJsonError(res, status, errorBody(code, message, { details: extra }));
  };
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new HttpError(404, 'not-found', `No such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`);
  };
}
