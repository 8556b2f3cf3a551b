import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import { STATUS_CLASSES, type RequestLogStore, type StatusFilter } from '../../logs/request-log-store.js';
import { parseInput } from '../../middleware/validate.js';

const statusFilter = z
  .string()
  .regex(new RegExp(`^(?:[1-5]\\d\\d|${STATUS_CLASSES.join('|')})$`), {
    message: `must be an HTTP status (100-599) or one of ${STATUS_CLASSES.join(', ')}`,
  })
  .transform((s): StatusFilter => (/^\d+$/.test(s) ? Number(s) : (s as StatusFilter)));

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  model: z.string().max(200).optional(),
  status: statusFilter.optional(),
  keyId: z.coerce.number().int().positive().optional(),
  clientId: z.coerce.number().int().min(0).optional(),
});

/** The /v1 request log, newest first. */
export function logsRoutes(store: RequestLogStore): Router {
  const router = Router();

  router.get('/logs', adminOnly, (req, res) => {
    res.json(store.list(parseInput(listQuery, req.query)));
  });

  return router;
}
