import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import type { KeyService } from '../../keys/key-service.js';
import { EVENTS_PER_KEY } from '../../keys/key-events.js';
import { parseInput } from '../../middleware/validate.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const eventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(EVENTS_PER_KEY).default(50),
  /** The id of the last event already shown: the page goes on from there. */
  before: z.coerce.number().int().positive().optional(),
});

export type KeyEventsRoutesDeps = { keys: Pick<KeyService, 'events'> };

/** GET /keys/:id/events: a key's status history, newest first (404 key-not-found for an unknown key). */
export function keyEventsRoutes({ keys }: KeyEventsRoutesDeps): Router {
  const router = Router();
  router.get('/keys/:id/events', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { limit, before } = parseInput(eventsQuery, req.query);
    res.json(keys.events(id, limit, before));
  });
  return router;
}
