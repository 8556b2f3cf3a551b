import express from 'express';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sessionMiddleware, type SessionDeps } from './auth/session.js';
import type { TrustProxy } from './config/trust-proxy.js';
import type { Logger } from './logger.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { projectRoot, publicDir, viewsDir } from './paths.js';
import { clientLookupRoutes, type ClientLookupDeps } from './routes/client-lookup.routes.js';
import { keyCheckerRoutes, type KeyCheckerDeps } from './routes/key-checker.routes.js';
import { adminApi, type AdminApiDeps } from './routes/admin/index.js';
import { healthRoutes, type HealthDeps } from './routes/health.routes.js';
import { metricsRoutes, type MetricsDeps } from './routes/metrics.routes.js';
import { pageRoutes, type PageDeps } from './routes/pages.routes.js';
import { selfIssueRoutes, type SelfIssueRoutesDeps } from './routes/self-issue.routes.js';
import { isProxyPath } from './proxy/proxy-handler.js';

/** What the app mounts, each part with what it uses (built by createContext, the composition root). */
export type AppDeps = {
  /** TRUST_PROXY, Express's "trust proxy": whose X-Forwarded-* count. */
  trustProxy: TrustProxy;
  /** The /v1 proxy (createProxyHandler). */
  proxy: (req: IncomingMessage, res: ServerResponse) => void;
  health: HealthDeps;
  session: SessionDeps;
  metrics: MetricsDeps;
  admin: AdminApiDeps;
  keyChecker: KeyCheckerDeps;
  clientLookup: ClientLookupDeps;
  selfIssue: SelfIssueRoutesDeps;
  pages: PageDeps;
  logger: Logger;
};

/** Builds the app without listening: server.ts listens, tests hand it to supertest. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);

  // The /v1 proxy comes first: before any body parser (it forwards the bytes received) and before routing.
  // (The server sends /v1 to the proxy before Express even sees it: see http-server.ts.)
  app.use((req, res, next) => (isProxyPath(req.url) ? deps.proxy(req, res) : next()));
  app.use(healthRoutes(deps.health));

  app.use(securityHeaders());
  app.use(express.static(publicDir, { index: false }));
  // Chart.js for the admin charts, served from this server (it may run offline: no CDN).
  app.get('/vendor/chart.umd.min.js', (_req, res) => res.sendFile(chartJsPath, { maxAge: '1d' }));
  app.use(sessionMiddleware(deps.session));
  app.use(metricsRoutes(deps.metrics));
  app.use('/admin/api', adminApi(deps.admin));
  app.use(keyCheckerRoutes(deps.keyChecker));
  app.use(clientLookupRoutes(deps.clientLookup));
  app.use(selfIssueRoutes(deps.selfIssue));
  app.use(pageRoutes(deps.pages));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
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
