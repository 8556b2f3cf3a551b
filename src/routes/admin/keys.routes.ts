import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import type { CheckService } from '../../balance/check-service.js';
import { HttpError } from '../../http-error.js';
import type { KeyService } from '../../keys/key-service.js';
import { KEY_SORTS, PUBLIC_STATUSES, type KeySort } from '../../keys/key-types.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';
import { sendExport } from './key-export.js';

const status = z.enum(PUBLIC_STATUSES, { message: `must be one of ${PUBLIC_STATUSES.join(', ')}` });
const sortValues = KEY_SORTS.flatMap((s) => [s, `-${s}`] as const) as [KeySort, ...KeySort[]];
const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  status: status.optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(sortValues, { message: `must be one of ${sortValues.join(', ')}` }).default('-createdAt'),
});
const idParam = z.object({ id: z.coerce.number().int().positive() });
const importBody = z.object({
  keys: z.string().max(5_000_000),
  check: z.boolean().optional(),
});
const patchBody = z
  .object({ enabled: z.boolean().optional(), note: z.string().max(500).optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.note !== undefined, { message: 'give enabled and/or note' });
const bulkBody = z.object({
  action: z.enum(['enable', 'disable', 'delete', 'check'], { message: 'must be one of enable, disable, delete, check' }),
  ids: z.array(z.number().int().positive()).min(1).max(100_000),
});
const checkAllBody = z.object({ status: status.optional() });
const exportQuery = z.object({
  format: z.enum(['txt', 'csv', 'json'], { message: 'must be one of txt, csv, json' }).default('txt'),
  status: status.optional(),
  q: z.string().max(200).optional(),
});

export type KeysRoutesDeps = {
  keys: Pick<KeyService, 'list' | 'import' | 'row' | 'existingRows' | 'export' | 'bulk' | 'get' | 'update' | 'delete'>;
  checks: Pick<CheckService, 'startJob' | 'startFullCheck' | 'checkOne'>;
  logger: Logger;
};

/** The key pool: list, import, edit, delete, bulk actions, checks and export. */
export function keysRoutes({ keys, checks, logger }: KeysRoutesDeps): Router {
  const router = Router();

  router.get('/keys', adminOnly, (req, res) => {
    res.json(keys.list(parseInput(listQuery, req.query)));
  });

  router.post('/keys', adminOnly, (req, res) => {
    const body = parseInput(importBody, req.body);
    const { addedIds, ...result } = keys.import(body.keys);
    if (result.added + result.duplicates + result.invalid === 0) {
      throw new HttpError(400, 'no-keys-found', 'No sk-… key was found in the pasted text.');
    }
    logger.info({ ...result }, 'keys imported');
    const job =
      body.check && addedIds.length
        ? checks.startJob(
            'check-new',
            addedIds.map((id) => keys.row(id)),
          )
        : null;
    res.status(result.added ? 201 : 200).json({ ...result, jobId: job?.id ?? null });
  });

  router.get('/keys/export', adminOnly, (req, res) => {
    const query = parseInput(exportQuery, req.query);
    const exported = keys.export(query);
    logger.info({ count: exported.length, format: query.format }, 'keys exported by the admin');
    sendExport(res, query.format, exported);
  });

  router.post('/keys/check', adminOnly, (req, res) => {
    const { job, alreadyRunning } = checks.startFullCheck(parseInput(checkAllBody, req.body).status);
    res.status(202).json({ jobId: job.id, alreadyRunning });
  });

  router.post('/keys/bulk', adminOnly, (req, res) => {
    const { action, ids } = parseInput(bulkBody, req.body);
    if (action === 'check') {
      const rows = keys.existingRows(ids);
      const job = checks.startJob('check-selected', rows);
      res.status(202).json({ action, jobId: job.id, affected: rows.length });
      return;
    }
    res.json({ action, ...keys.bulk(action, ids) });
  });

  router.get('/keys/:id', adminOnly, (req, res) => {
    res.json(keys.get(parseInput(idParam, req.params).id));
  });

  router.patch('/keys/:id', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(keys.update(id, parseInput(patchBody, req.body)));
  });

  router.delete('/keys/:id', adminOnly, (req, res) => {
    keys.delete(parseInput(idParam, req.params).id);
    res.status(204).end();
  });

  router.post('/keys/:id/check', adminOnly, async (req, res) => {
    res.json(await checks.checkOne(parseInput(idParam, req.params).id));
  });

  return router;
}
