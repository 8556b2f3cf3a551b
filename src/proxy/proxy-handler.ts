import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentedToken } from '../auth/access-token.js';
import { clientRefusal } from './client-refusals.js';
import { Exchange } from './exchange.js';
import { aliasMap, resolveAlias } from './model-alias.js';
import { CLIENT_GONE } from './own-answers.js';
import type { ProxyDeps } from './proxy-deps.js';
import { MESSAGES, PROXY_CODES } from './proxy-errors.js';
import { BodyTooLargeError, readBody, requestFacts } from './request-body.js';
import { ALLOW, isForwardedMethod, isUserInfo, leavesV1 } from './request-checks.js';

/** `/v1` and everything under it: forwarded, not a fixed list of paths (SiliconFlow adds endpoints). */
export const isProxyPath = (url: string | undefined) => !!url && (url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?'));

/**
 * The /v1 proxy: checks the method and the client key (src/clients/client-gate.ts), reads the body once (it may go to several
 * keys), then lets an Exchange try keys until one answers. Mounted before every body parser and all
 * of Express's routing. stopAll() is for the shutdown deadline: it ends every open exchange, and any
 * that starts later.
 */
export function createProxyHandler(deps: ProxyDeps): ((req: IncomingMessage, res: ServerResponse) => void) & { stopAll(): void } {
  // A Set add and delete per request: what shutdown needs, at no cost worth measuring on the hot path.
  const open = new Set<Exchange>();
  let stopped = false;
  const stopAll = () => {
    stopped = true;
    for (const exchange of open) exchange.stop();
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return deps.cors.answerOptions(req, res);
    const exchange = new Exchange(deps, req, res, open);
    if (stopped) exchange.stop();
    if (!isForwardedMethod(req.method)) {
      return exchange.reject(405, PROXY_CODES.methodNotAllowed, MESSAGES.methodNotAllowed, 'method-not-allowed', { allow: ALLOW });
    }
    const token = presentedToken(req.headers);
    const client = token === undefined ? undefined : deps.clients.find(token);
    if (!client) {
      return exchange.reject(401, PROXY_CODES.unauthorized, MESSAGES.unauthorized, 'unauthorized', { 'www-authenticate': 'Bearer' });
    }
    exchange.identify(client);
    const refused = deps.clients.checkKey(client, req, Date.now());
    if (refused) return exchange.end(clientRefusal(refused));
    if (leavesV1(req.url!)) return exchange.reject(400, PROXY_CODES.badPath, MESSAGES.badPath, 'bad-path');
    if (isUserInfo(req.url!)) return exchange.reject(403, PROXY_CODES.forbiddenEndpoint, MESSAGES.userInfo, 'forbidden-endpoint');
    readBody(req, deps.limits.maxBodyBytes).then(
      (received) => {
        const contentType = req.headers['content-type'];
        let body = received;
        let facts = requestFacts(body, contentType);
        // An alias (MODEL_ALIASES) is resolved before anything looks at the model: the client key's
        // checks, the key choice, the price and the ledger all see the SiliconFlow model.
        const aliased = facts.model === null ? null : resolveAlias(aliasMap(deps.settings().modelAliases), body, contentType, facts);
        if (aliased) {
          ({ body, facts } = aliased);
          exchange.aliasedFrom(aliased.alias);
        }
        if (!exchange.admit(facts.model, body.length)) return;
        exchange.run(body, facts).catch((err: unknown) => exchange.crash(err));
      },
      (err: unknown) => {
        if (err instanceof BodyTooLargeError) {
          return exchange.reject(413, PROXY_CODES.payloadTooLarge, MESSAGES.tooLarge(deps.limits.maxBodyBytes), 'body-too-large', {
            connection: 'close',
          });
        }
        res.destroy();
        exchange.end(CLIENT_GONE);
      },
    );
  };
  return Object.assign(handle, { stopAll });
}
