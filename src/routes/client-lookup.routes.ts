import express, { Router } from 'express';
import { z } from 'zod';
import type { ClientService } from '../clients/client-service.js';
import { HttpError } from '../http-error.js';
import { ipRateLimit } from '../middleware/rate-limit.js';
import { parseInput } from '../middleware/validate.js';

const body = z.object({ key: z.string().trim().min(1).max(200) }).strict();

export type ClientLookupDeps = { clients: Pick<ClientService, 'lookup'> };

/**
 * POST /api/client-key/lookup — the holder of a client key sees its usage, what is left of its
 * budgets, its models and expiry: nothing of the pool or of other clients. The key itself is the
 * credential (no session needed, whatever the user page's access mode); rate-limited per IP like
 * the key checker, failed lookups and successful ones alike, so it is no oracle for guessing keys.
 */
export function clientLookupRoutes({ clients }: ClientLookupDeps): Router {
  const router = Router();
  const limiter = ipRateLimit({
    windowMs: 10 * 60 * 1000,
    limit: 30,
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'too-many-lookups', 'Too many lookups from this address; try again in a few minutes.')),
  });
  router.post('/api/client-key/lookup', express.json({ limit: '4kb' }), limiter, (req, res) => {
    const { key } = parseInput(body, req.body);
    const found = clients.lookup(key);
    if (!found) throw new HttpError(404, 'unknown-client-key', 'This is not a client key of this server (or it was deleted or rotated).');
    res.set('Cache-Control', 'no-store').json(found);
  });
  return router;
}
