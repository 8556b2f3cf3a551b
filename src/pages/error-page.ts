import type { Request, Response } from 'express';
import type { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { isMessageKey } from './i18n.js';
import { pageLocalsOf } from './page-locals.js';

/** Where scripts and API clients call: their errors stay JSON whatever they accept. */
const API_PREFIXES = ['/admin/api', '/api', '/metrics', '/health', '/v1'];

/**
 * A browser asking for a page: not an API path, and HTML preferred to JSON. A browser's navigation
 * names text/html first; fetch (which accepts anything by default), curl and supertest (which send
 * no Accept) get JSON as before. Express matches paths without regard to case, so does this.
 */
export function wantsErrorPage(req: Request): boolean {
  const path = (req.originalUrl.split('?')[0] ?? '').toLowerCase();
  if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return false;
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * views/error.ejs with the error's status and its text in the page's language (the server's
 * message for a code without one), and a way home. The locals are built here, not taken from
 * res.locals: the error may come from before the middleware that sets them.
 */
export function renderErrorPage(req: Request, res: Response, error: HttpError, logger: Logger): void {
  const locals = pageLocalsOf(req.headers.cookie);
  const key = `error.${error.code}`;
  const message = isMessageKey(key) ? locals.t(key) : error.message;
  res.status(error.status).render('error', { ...locals, status: error.status, message }, (renderError: Error | null, html?: string) => {
    if (renderError) {
      logger.error({ err: renderError }, 'the error page failed to render');
      res.type('text/plain').send(message);
    } else res.send(html);
  });
}
