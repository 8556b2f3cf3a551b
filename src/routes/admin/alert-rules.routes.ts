import { Router } from 'express';
import { z } from 'zod';
import type { AlertEngine } from '../../alerts/alert-engine.js';
import type { AlertRuleService } from '../../alerts/alert-rule-service.js';
import { adminOnly } from '../../auth/admin-guard.js';
import { parseInput } from '../../middleware/validate.js';

const incidentsQuery = z.object({
  state: z.enum(['firing', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Issue 14, alert engine: what the rules and incidents routes use. */
export type AlertRulesRoutesDeps = {
  alertRules: Pick<AlertRuleService, 'list' | 'find' | 'update'>;
  alertIncidents: Pick<AlertEngine, 'incidents'>;
};

/**
 * The alert rules (one per event, defaults until the admin changes one) and the incidents they
 * opened, newest first; `state=firing` lists the open ones (firing or clearing).
 */
export function alertRulesRoutes({ alertRules, alertIncidents }: AlertRulesRoutesDeps): Router {
  const router = Router();
  router.get('/alerts/rules', adminOnly, (_req, res) => {
    res.json({ rules: alertRules.list() });
  });
  router.get('/alerts/rules/:event', adminOnly, (req, res) => {
    res.json(alertRules.find(String(req.params.event)));
  });
  router.patch('/alerts/rules/:event', adminOnly, (req, res) => {
    res.json(alertRules.update(String(req.params.event), req.body));
  });
  router.get('/alerts/incidents', adminOnly, (req, res) => {
    const { state, limit } = parseInput(incidentsQuery, req.query);
    res.json({ incidents: alertIncidents.incidents(state, limit) });
  });
  return router;
}
