import { Router } from 'express';
import { adminOnly } from '../../auth/admin-guard.js';
import type { PoolCoolingItem } from '../../proxy/pool/cooling-view.js';

/** What the pool routes read: the accounts cooling now (CoolingView.list). */
export type PoolRoutesDeps = { coolingList: () => PoolCoolingItem[] };

/** The pool's live state, as the proxy holds it in memory. */
export function poolRoutes({ coolingList }: PoolRoutesDeps): Router {
  const router = Router();
  // Accounts SiliconFlow rate-limited, per model, until when, and how many keys each holds back.
  router.get('/pool/cooling', adminOnly, (_req, res) => {
    res.json({ items: coolingList() });
  });
  return router;
}
