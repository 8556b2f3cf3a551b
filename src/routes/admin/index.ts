import express, { Router } from 'express';
import { z } from 'zod';
import { adminOnly, requirePasswordChanged } from '../../auth/admin-guard.js';
import type { RequestLogStore } from '../../logs/request-log-store.js';
import { notFoundHandler } from '../../middleware/error-handler.js';
import { parseInput } from '../../middleware/validate.js';
import type { StatsService } from '../../stats/stats-service.js';
import { accountLimitsRoutes, type AccountLimitsRoutesDeps } from './account-limits.routes.js';
import { accountsRoutes, type AccountsRoutesDeps } from './accounts.routes.js';
import { authRoutes, type AuthRoutesDeps } from './auth.routes.js';
import { clientsRoutes, type ClientsRoutesDeps } from './clients.routes.js';
import { jobsRoutes, type JobsRoutesDeps } from './jobs.routes.js';
import { keysRoutes, type KeysRoutesDeps } from './keys.routes.js';
// Issue 13, recovery: each key's status history.
import { keyEventsRoutes, type KeyEventsRoutesDeps } from './key-events.routes.js';
import { logsRoutes } from './logs.routes.js';
import { poolRoutes, type PoolRoutesDeps } from './pool.routes.js';
import { pricesRoutes, type PricesRoutesDeps } from './prices.routes.js';
import { settingsRoutes, type SettingsRoutesDeps } from './settings.routes.js';
import { spendRoutes, type SpendRoutesDeps } from './spend.routes.js';
// Issue 14, delivery: alert channels, the test button and the delivery log.
import { alertChannelsRoutes, type AlertChannelsRoutesDeps } from './alert-channels.routes.js';
// Issue 14, alert engine: the alert rules and incidents.
import { alertRulesRoutes, type AlertRulesRoutesDeps } from './alert-rules.routes.js';

const HOUR_MS = 60 * 60 * 1000;
const seriesQuery = z.object({ hours: z.coerce.number().int().min(1).max(720).default(24) });

/** What the routers under /admin/api use, each taking its own part; the overview's stats and series besides. */
export type AdminApiDeps = AuthRoutesDeps &
  KeysRoutesDeps &
  AccountsRoutesDeps &
  JobsRoutesDeps &
  PricesRoutesDeps &
  SettingsRoutesDeps &
  SpendRoutesDeps &
  ClientsRoutesDeps &
  AccountLimitsRoutesDeps &
  PoolRoutesDeps &
  KeyEventsRoutesDeps &
  AlertChannelsRoutesDeps & // Issue 14, delivery
  AlertRulesRoutesDeps & { requestLogs: RequestLogStore; stats: Pick<StatsService, 'pool'> }; // Issue 14, alert engine

/**
 * /admin/api: JSON in and out. Sign-in is open; every other route starts with `adminOnly` (the session,
 * and the CSRF token for changes), so an unknown path is a 404 for anyone — except a session still on
 * the default password, which gets 403 password-change-required for everything but auth.routes.
 */
export function adminApi(deps: AdminApiDeps): Router {
  const { adminAuth, requestLogs, stats } = deps;
  const router = Router();
  router.use(express.json({ limit: '6mb' }));
  router.use(authRoutes(deps));
  // Everything after sign-in, session, password and sign-out waits for the default password to go.
  router.use(requirePasswordChanged(() => adminAuth.mustChangePassword()));
  router.use(keysRoutes(deps));
  router.use(accountsRoutes(deps));
  router.use(keyEventsRoutes(deps));
  router.use(jobsRoutes(deps));
  router.use(settingsRoutes(deps));
  router.use(pricesRoutes(deps));
  router.use(logsRoutes(requestLogs));
  router.use(spendRoutes(deps));
  router.use(clientsRoutes(deps));
  router.use(accountLimitsRoutes(deps));
  router.use(poolRoutes(deps));
  // Issue 14, delivery: alert channels and deliveries.
  router.use(alertChannelsRoutes(deps));
  // Issue 14, alert engine: GET/PATCH /alerts/rules[/:event], GET /alerts/incidents.
  router.use(alertRulesRoutes(deps));
  router.get('/stats', adminOnly, (_req, res) => {
    res.json(stats.pool());
  });
  // Requests, errors and tokens per hour over the last `hours` (default 24, at most 30 days).
  router.get('/stats/series', adminOnly, (req, res) => {
    const { hours } = parseInput(seriesQuery, req.query);
    res.json({ buckets: requestLogs.series(Date.now() - hours * HOUR_MS, HOUR_MS) });
  });
  router.use(notFoundHandler());
  return router;
}
