import { Router } from 'express';
import type { AppContext } from '../context.js';
import { errorBody, sendJsonError } from '../http-error.js';

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
      const body = errorBody('database-unavailable', 'The database does not answer.', { beside: { status: 'error' } });
      sendJsonError(res, 503, body);
    }
  });
  return router;
}
