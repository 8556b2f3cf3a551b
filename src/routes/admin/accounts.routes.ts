import { Router } from 'express';
import { adminOnly } from '../../auth/admin-guard.js';
import type { KeyService } from '../../keys/key-service.js';

export type AccountsRoutesDeps = { keys: Pick<KeyService, 'accounts'> };

/**
 * GET /admin/api/accounts: the SiliconFlow accounts of the pool (SiliconFlow limits per account and
 * model), each with its keys, the keys the pool can use now and their known balance; the keys whose
 * account is not known come as `unknown` (each of them is an account of its own to the pool).
 */
export function accountsRoutes({ keys }: AccountsRoutesDeps): Router {
  const router = Router();
  router.get('/accounts', adminOnly, (_req, res) => {
    const all = keys.accounts();
    const none = all.find((a) => a.account === null);
    res.json({
      accounts: all.filter((a) => a.account !== null),
      unknown: {
        keys: none?.keys ?? 0,
        usable: none?.usable ?? 0,
        totalBalance: none?.totalBalance ?? null,
        balanceKnown: none?.balanceKnown ?? 0,
      },
    });
  });
  return router;
}
