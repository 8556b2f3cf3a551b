import { Router } from 'express';
import type { Db } from '../db/database.js';
import { errorBody, sendJsonError } from '../http-error.js';
import type { Logger } from '../logger.js';

export type HealthDeps = { db: Pick<Db, 'prepare'>; logger: Logger };

/** GET /health: 200 when the database answers, 503 when it does not. For load balancers and container health checks. */
export function healthRoutes({ db, logger }: HealthDeps): Router {
  const router = Router();
  const ping = db.prepare('SELECT 1');
  router.get('/health', (_req, res) => {
    try {
      ping.get();
      res.json({ status: 'ok' });
    } catch (err) {
      logger.error({ err }, 'health check: database does not answer');
      const body = errorBody('database-unavailable', 'The database does not answer.', { beside: { status: 'error' } });
      sendJsonError(res, 503, body);
    }
  });
  return router;
}
