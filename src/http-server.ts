import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AppDeps } from './app.js';
import { errorBody, sendJsonError } from './http-error.js';
import { isProxyPath } from './proxy/proxy-handler.js';
import { answerClientError, refuseConnect } from './proxy/socket-answers.js';
import { healthCheck, isHealthRequest } from './health-check.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The HTTP server (not listening yet): the request listener, plus answers for what Node never turns
 * into a request — CONNECT and methods its parser refuses get 405 instead of a closed connection.
 */
export function createHttpServer(deps: AppDeps): Server {
  const server = createServer(createRequestListener(deps));
  server.on('connect', refuseConnect);
  server.on('clientError', answerClientError);
  return server;
}

/**
 * What the HTTP server runs: `/v1` goes straight to the proxy and GET /health to its check, everything
 * else to the Express app (app.ts). Express swaps the prototypes of req and res and routes every
 * request, which cost the proxy about a third of its CPU per request in the benchmark; the proxy
 * needs none of it.
 *
 * The Express side (Express, helmet, sessions, the pages and the admin API: ~100 ms of a start and
 * 3.4 MB of heap, measured) is loaded by the first request that needs it, not at start: a restarted
 * server serves /v1 that much sooner (issue 15's ready time), and one that only proxies never holds
 * it. That first request waits for the load; the ones after it go straight in.
 */
export function createRequestListener(deps: AppDeps): Listener {
  const { proxy } = deps;
  const health = healthCheck(deps.health);
  let app: Listener | undefined;
  let loading: Promise<Listener> | undefined;
  const web = (req: IncomingMessage, res: ServerResponse) => {
    loading ??= import('./app.js').then(({ createApp }) => (app = createApp(deps)));
    loading.then(
      (loaded) => loaded(req, res),
      (err: unknown) => {
        loading = undefined; // the next request tries again
        deps.logger.error({ err }, 'the web side (pages, admin API) could not be loaded');
        sendJsonError(res, 500, errorBody('internal-error', 'The server could not load its pages. See its log.'));
      },
    );
  };
  return (req, res) => {
    if (isProxyPath(req.url)) proxy(req, res);
    else if (isHealthRequest(req)) health(req, res);
    else if (app) app(req, res);
    else web(req, res);
  };
}
