import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALLOW } from './request-checks.js';

/** CORS headers for one answer: one of a few objects built at start, never per request. */
export type CorsHeaders = Readonly<Record<string, string>>;

/** What a browser client needs to read besides the safelisted headers: when and whether to retry, the trace id. */
const EXPOSE = 'retry-after, x-should-retry, x-siliconcloud-trace-id';
/** Preflights are cached this long (browsers cap it: Chrome at 2 h, Firefox at 24 h). */
const MAX_AGE_SECONDS = '86400';
const METHODS = 'GET, POST, PUT, PATCH, DELETE';
/** An Origin not in the list gets no Allow-Origin, and caches learn the answer depends on Origin. */
const VARY_ONLY: CorsHeaders = Object.freeze({ vary: 'Origin' });

/**
 * CORS for /v1 (issue 9, item 19), so browser-based clients (NextChat or LobeChat in client mode, web
 * playgrounds) can call it. /v1 authenticates with a bearer token and never with cookies, so any
 * origin is safe by default and credentials are never allowed. The admin API and the pages are
 * Express's and get none of this.
 */
export class CorsPolicy {
  private readonly any: CorsHeaders | undefined;
  private readonly byOrigin = new Map<string, CorsHeaders>();

  constructor(origins: '*' | readonly string[]) {
    if (origins === '*') this.any = Object.freeze({ 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE });
    else
      for (const o of origins)
        this.byOrigin.set(o, Object.freeze({ 'access-control-allow-origin': o, 'access-control-expose-headers': EXPOSE, vary: 'Origin' }));
  }

  /** The CORS headers of any answer to a request with this Origin (the listed origin echoed, with Vary). */
  headersFor(origin: string | undefined): CorsHeaders {
    return this.any ?? (origin === undefined ? undefined : this.byOrigin.get(origin)) ?? VARY_ONLY;
  }

  /** OPTIONS, preflight or not: 204 without the access key, allowing the forwarded methods and the requested headers. */
  answerOptions(req: IncomingMessage, res: ServerResponse): void {
    const requested = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      ...this.headersFor(req.headers.origin),
      allow: ALLOW,
      'access-control-allow-methods': METHODS,
      // Echoed: `*` would not cover Authorization, which every client sends.
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'access-control-max-age': MAX_AGE_SECONDS,
      vary: 'Origin, Access-Control-Request-Headers',
    });
    res.end();
  }
}
