import { Router } from 'express';
import { adminOnly } from '../../auth/admin-guard.js';
import type { LocalLimits } from '../../proxy/pool/local-limits.js';

export type AccountLimitsRoutesDeps = { accountLimits: Pick<LocalLimits, 'report'> };

/**
 * The local budgets at work (ACCOUNT_LIMITS): each limited account × model with its use in the current
 * minute and China day against its limits, read from the pool's memory (nothing is stored).
 */
export function accountLimitsRoutes({ accountLimits }: AccountLimitsRoutesDeps): Router {
  const router = Router();

  router.get('/pool/limits', adminOnly, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(accountLimits.report());
  });

  return router;
}
