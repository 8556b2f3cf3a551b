import { Router, type RequestHandler } from 'express';
import { presentedToken } from '../auth/access-token.js';
import { passwordChangeRequired } from '../auth/admin-guard.js';
import { HttpError } from '../http-error.js';
import type { ProxyMetrics } from '../metrics/metrics.js';

/**
 * GET /metrics for Prometheus: a scraper sends the access key (Bearer or x-api-key), a person
 * signed in to the admin pages needs nothing more once the default password is changed. The session middleware may not run before this
 * router, so req.session can be undefined at run time whatever its type says.
 */
export type MetricsDeps = {
  metrics: Pick<ProxyMetrics, 'render' | 'contentType'>;
  isAccessKey: (token: string) => boolean;
  mustChangePassword: () => boolean;
};

export function metricsRoutes({ metrics, isAccessKey, mustChangePassword }: MetricsDeps): Router {
  const router = Router();

  const scraperOrAdmin: RequestHandler = (req, _res, next) => {
    if (req.session?.admin) {
      if (mustChangePassword()) throw passwordChangeRequired();
      return next();
    }
    const token = presentedToken(req.headers);
    if (token && isAccessKey(token)) return next();
    throw new HttpError(
      401,
      'not-authorized',
      'Send the access key (Authorization: Bearer … or x-api-key) or sign in as the admin to read metrics.',
    );
  };

  router.get('/metrics', scraperOrAdmin, async (_req, res) => {
    const body = await metrics.render();
    res.set('Content-Type', metrics.contentType).send(body);
  });

  return router;
}
