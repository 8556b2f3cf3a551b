import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import type { CheckService } from '../../balance/check-service.js';
import { HttpError } from '../../http-error.js';
import type { KeyService } from '../../keys/key-service.js';
import { accountFilter, accountValue } from './account-input.js';
import { MAX_BALANCE_NANO } from '../../keys/key-table.js';
import { KEY_SORTS, PUBLIC_STATUSES, type KeySort } from '../../keys/key-types.js';
import { parseYuan } from '../../ledger/money.js';
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
  account: accountFilter,
  sort: z.enum(sortValues, { message: `must be one of ${sortValues.join(', ')}` }).default('-createdAt'),
});
const idParam = z.object({ id: z.coerce.number().int().positive() });
const keysText = z.string().max(6_000_000);
const importBody = z.object({
  keys: keysText,
  check: z.boolean().optional(),
  updateExistingBalances: z.boolean().optional(),
});
const previewBody = z.object({ keys: keysText });
/**
 * Yuan as a decimal string ("14", "0.88") or a JSON number, into n¥. Negative is allowed: SiliconFlow
 * lets the last call overdraw, and the console then shows "-0.01".
 */
const yuanAmount = z
  .union([z.string().max(40), z.number()], { message: 'must be yuan, as a decimal string such as "14.00" or a number' })
  .transform((value, ctx) => {
    const nano = parseYuan(typeof value === 'number' ? String(value) : value);
    if (nano !== undefined && Math.abs(nano) <= MAX_BALANCE_NANO) return nano;
    ctx.addIssue({ code: 'custom', message: 'must be yuan such as "14.00": at most 9 decimals, within ±1,000,000' });
    return z.NEVER;
  });
const balanceFields = { gift: yuanAmount.optional(), paid: yuanAmount.optional() };
const giveOne = { message: 'give gift and/or paid (yuan); a credit left out keeps its estimate' };
const balanceBody = z
  .object(balanceFields)
  .strict()
  .refine((b) => b.gift !== undefined || b.paid !== undefined, giveOne);
const topUpAmount = yuanAmount.refine((nano) => nano > 0, 'must be more than 0');
const topUpBody = z.object({ amount: topUpAmount }).strict();
const patchBody = z
  .object({ enabled: z.boolean().optional(), note: z.string().max(500).optional(), account: accountValue.optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.note !== undefined || b.account !== undefined, {
    message: 'give enabled, note and/or account',
  });
const BULK_ACTIONS = ['enable', 'disable', 'delete', 'check', 'set-balance', 'top-up', 'set-account'] as const;
const bulkAction = z.object({ action: z.enum(BULK_ACTIONS, { message: `must be one of ${BULK_ACTIONS.join(', ')}` }) });
const ids = z.array(z.number().int().positive()).min(1).max(100_000);
const bulkIds = z.object({ ids });
const bulkSetBalance = z
  .object({ action: z.literal('set-balance'), ids, ...balanceFields })
  .strict()
  .refine((b) => b.gift !== undefined || b.paid !== undefined, giveOne);
const bulkTopUp = z.object({ action: z.literal('top-up'), ids, amount: topUpAmount }).strict();
const bulkSetAccount = z.object({ action: z.literal('set-account'), ids, account: accountValue }).strict();
const checkAllBody = z.object({ status: status.optional() });
const exportQuery = z.object({
  format: z.enum(['txt', 'csv', 'json'], { message: 'must be one of txt, csv, json' }).default('txt'),
  status: status.optional(),
  q: z.string().max(200).optional(),
  account: accountFilter,
});

export type KeysRoutesDeps = {
  keys: Pick<
    KeyService,
    | 'list'
    | 'import'
    | 'preview'
    | 'row'
    | 'existingRows'
    | 'export'
    | 'bulk'
    | 'get'
    | 'update'
    | 'delete'
    | 'setBalance'
    | 'setBalances'
    | 'topUp'
    | 'topUps'
    | 'setAccounts'
  >;
  checks: Pick<CheckService, 'startJob' | 'startFullCheck' | 'checkOne'>;
  logger: Logger;
};

/** The key pool: list, import (and its preview), edit, delete, balances, bulk actions, checks and export. */
export function keysRoutes({ keys, checks, logger }: KeysRoutesDeps): Router {
  const router = Router();

  router.get('/keys', adminOnly, (req, res) => {
    res.json(keys.list(parseInput(listQuery, req.query)));
  });

  router.post('/keys', adminOnly, (req, res) => {
    const body = parseInput(importBody, req.body);
    const { addedIds, ...result } = keys.import(body.keys, { updateExistingBalances: body.updateExistingBalances });
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

  router.post('/keys/preview', adminOnly, (req, res) => {
    res.json(keys.preview(parseInput(previewBody, req.body).keys));
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
    const { action } = parseInput(bulkAction, req.body);
    switch (action) {
      case 'check': {
        const rows = keys.existingRows(parseInput(bulkIds, req.body).ids);
        const job = checks.startJob('check-selected', rows);
        res.status(202).json({ action, jobId: job.id, affected: rows.length });
        return;
      }
      case 'set-balance': {
        const { ids: chosen, gift, paid } = parseInput(bulkSetBalance, req.body);
        const result = keys.setBalances(chosen, { gift, paid });
        logger.info({ affected: result.affected }, 'balances set by the admin');
        res.json({ action, ...result });
        return;
      }
      case 'top-up': {
        const { ids: chosen, amount } = parseInput(bulkTopUp, req.body);
        const result = keys.topUps(chosen, amount);
        logger.info({ affected: result.affected }, 'top-ups recorded by the admin');
        res.json({ action, ...result });
        return;
      }
      case 'set-account': {
        const { ids: chosen, account } = parseInput(bulkSetAccount, req.body);
        const result = keys.setAccounts(chosen, account);
        logger.info({ affected: result.affected }, 'account set by the admin');
        res.json({ action, ...result });
        return;
      }
      default:
        res.json({ action, ...keys.bulk(action, parseInput(bulkIds, req.body).ids) });
    }
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

  router.put('/keys/:id/balance', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const view = keys.setBalance(id, parseInput(balanceBody, req.body));
    logger.info({ keyId: id }, 'balance set by the admin');
    res.json(view);
  });

  router.post('/keys/:id/top-up', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const view = keys.topUp(id, parseInput(topUpBody, req.body).amount);
    logger.info({ keyId: id }, 'top-up recorded by the admin');
    res.json(view);
  });

  router.post('/keys/:id/check', adminOnly, async (req, res) => {
    res.json(await checks.checkOne(parseInput(idParam, req.params).id));
  });

  return router;
}
