import express from 'express';
import { sessionMiddleware } from './auth/session.js';
import type { AppContext } from './context.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { publicDir, viewsDir } from './paths.js';
import { adminApi } from './routes/admin/index.js';
import { healthRoutes } from './routes/health.routes.js';
import { pageRoutes } from './routes/pages.routes.js';

/** Builds the app without listening: server.ts listens, tests hand it to supertest. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(ctx.config.trustProxy));
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);

  app.use(healthRoutes(ctx));
  app.use(express.static(publicDir, { index: false }));
  app.use('/admin/api', sessionMiddleware(ctx), adminApi(ctx));
  app.use(pageRoutes(ctx));
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.logger));
  return app;
}

/** TRUST_PROXY: "true", "false", a hop count, or Express's names/addresses ("loopback", "10.0.0.0/8, uniquelocal"). */
export function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
