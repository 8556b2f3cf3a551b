import express from 'express';
import helmet from 'helmet';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sessionMiddleware } from './auth/session.js';
import type { AppContext } from './context.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { projectRoot, publicDir, viewsDir } from './paths.js';
import { keyCheckerRoutes } from './routes/key-checker.routes.js';
import { adminApi } from './routes/admin/index.js';
import { healthRoutes } from './routes/health.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { pageRoutes } from './routes/pages.routes.js';
import { isProxyPath } from './proxy/proxy-handler.js';
import { answerClientError, refuseConnect } from './proxy/socket-answers.js';

/**
 * The HTTP server (not listening yet): the request listener, plus answers for what Node never turns
 * into a request — CONNECT and methods its parser refuses get 405 instead of a closed connection.
 */
export function createHttpServer(ctx: AppContext): Server {
  const server = createServer(createRequestListener(ctx));
  server.on('connect', refuseConnect);
  server.on('clientError', answerClientError);
  return server;
}

/**
 * What the HTTP server runs: `/v1` goes straight to the proxy, everything else to Express. Express
 * swaps the prototypes of req and res and routes every request, which cost the proxy about a third
 * of its CPU per request in the benchmark; the proxy needs none of it.
 */
export function createRequestListener(ctx: AppContext): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(ctx);
  return (req, res) => {
    if (isProxyPath(req.url)) ctx.proxy(req, res);
    else app(req, res);
  };
}

/** Builds the app without listening: server.ts listens, tests hand it to supertest. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);

  // The /v1 proxy comes first: before any body parser (it forwards the bytes received) and before routing.
  // (The server sends /v1 to the proxy before Express even sees it: see createRequestListener.)
  app.use((req, res, next) => (isProxyPath(req.url) ? ctx.proxy(req, res) : next()));
  app.use(healthRoutes(ctx));

  app.use(securityHeaders());
  app.use(express.static(publicDir, { index: false }));
  // Chart.js for the admin charts, served from this server (it may run offline: no CDN).
  app.get('/vendor/chart.umd.min.js', (_req, res) => res.sendFile(chartJsPath, { maxAge: '1d' }));
  app.use(sessionMiddleware(ctx));
  app.use(
    metricsRoutes(
      ctx.metrics,
      (token) => ctx.accessKey.matches(token),
      () => ctx.adminAuth.mustChangePassword(),
    ),
  );
  app.use('/admin/api', adminApi(ctx));
  app.use(keyCheckerRoutes(ctx));
  app.use(pageRoutes(ctx));
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.logger));
  return app;
}

/**
 * helmet's headers with a Content-Security-Policy the pages satisfy: scripts and styles only from
 * this server (no inline code). No upgrade-insecure-requests and no HSTS: many installs run on plain
 * HTTP in a LAN, where those would break the pages.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
    },
    strictTransportSecurity: false,
  });
}

const chartJsPath = join(projectRoot, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js');
