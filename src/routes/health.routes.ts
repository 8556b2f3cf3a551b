import { Router } from 'express';
import { healthCheck, type HealthDeps } from '../health-check.js';

export type { HealthDeps } from '../health-check.js';

/** healthCheck as an Express route (GET and HEAD /health), so the app createApp builds answers it the same way (the tests use that app without the server). */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  const check = healthCheck(deps);
  router.get('/health', (req, res) => check(req, res));
  return router;
}
