import { Router } from 'express';
import type { AppContext } from '../context.js';

/** GET /health: 200 when the database answers, 503 when it does not. For load balancers and container health checks. */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  const ping = ctx.db.prepare('SELECT 1');
  router.get('/health', (_req, res) => {
    try {
      ping.get();
      res.json({ status: 'ok' });
    } catch (err) {
      ctx.logger.error({ err }, 'health check: database does not answer');
      res.status(503).json({ status: 'error', error: { code: 'database-unavailable', message: 'The database does not answer.' } });
    }
  });
  return router;
}
