import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentedToken } from '../auth/access-token.js';
import { Exchange } from './exchange.js';
import type { ProxyDeps } from './proxy-deps.js';
import { MESSAGES, PROXY_CODES, sendProxyError } from './proxy-errors.js';
import { BodyTooLargeError, readBody, requestFacts } from './request-body.js';

/** `/v1` and everything under it, with any method: forwarded, not a fixed list (SiliconFlow adds endpoints). */
export const isProxyPath = (url: string | undefined) => !!url && (url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?'));

/**
 * The /v1 proxy: checks the access key, reads the body once (it may go to several keys), then lets an
 * Exchange try keys until one answers. Mounted before every body parser and all of Express's routing.
 */
export function createProxyHandler(deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const exchange = new Exchange(deps, req, res);
    if (!authorized(req, deps)) {
      sendProxyError(res, 401, PROXY_CODES.unauthorized, MESSAGES.unauthorized, { 'www-authenticate': 'Bearer' });
      return exchange.finish(401, 'unauthorized');
    }
    readBody(req, deps.limits.maxBodyBytes).then(
      (body) => {
        const facts = requestFacts(body, req.headers['content-type']);
        exchange.run(body, facts).catch((err: unknown) => exchange.crash(err));
      },
      (err: unknown) => {
        if (err instanceof BodyTooLargeError) {
          sendProxyError(res, 413, PROXY_CODES.payloadTooLarge, MESSAGES.tooLarge(deps.limits.maxBodyBytes), { connection: 'close' });
          return exchange.finish(413, 'body-too-large');
        }
        res.destroy();
        exchange.finish(499, 'client-aborted');
      },
    );
  };
}

/** The access key, compared in constant time. */
function authorized(req: IncomingMessage, deps: ProxyDeps): boolean {
  const token = presentedToken(req.headers);
  return token !== undefined && deps.isAccessKey(token);
}
