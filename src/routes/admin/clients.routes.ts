import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import { isIpItem, isModelPattern } from '../../clients/client-rules.js';
import type { ClientService } from '../../clients/client-service.js';
import { MAX_CONCURRENT, MAX_RPM, type ClientSettings } from '../../clients/client-types.js';
import { parseYuan } from '../../ledger/money.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';
import { clientUsageQuery } from './spend.routes.js';

/** A budget above this (a million yuan) is a typo, not a limit. */
const MAX_BUDGET_NANO = 1_000_000 * 1_000_000_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Yuan as a decimal string ("0.50") or a JSON number, into n¥; null = no limit. */
const budget = z
  .union([z.string().max(40), z.number(), z.null()], { message: 'must be yuan, as a decimal string such as "0.50", a number, or null' })
  .transform((value, ctx) => {
    if (value === null) return null;
    const nano = parseYuan(typeof value === 'number' ? String(value) : value);
    if (nano !== undefined && nano >= 0 && nano <= MAX_BUDGET_NANO) return nano;
    ctx.addIssue({ code: 'custom', message: 'must be yuan such as "0.50": at most 9 decimals, from 0 to 1,000,000' });
    return z.NEVER;
  });
/** A time with its zone, or ms since the epoch; null = never. */
const expiresAt = z
  .union([z.string().regex(DATE_TIME), z.number().int().min(0), z.null()], {
    message: 'must be a time with its zone (2026-03-01T00:00:00+08:00), ms since the epoch, or null',
  })
  .transform((v) => (typeof v === 'string' ? Date.parse(v) : v))
  .refine((v) => v === null || !Number.isNaN(v), 'is not a real time');
const limit = (max: number) => z.number().int().min(1).max(max).nullable();
const fields = {
  name: z.string().trim().min(1).max(100),
  note: z.string().max(500),
  enabled: z.boolean(),
  expiresAt,
  models: z.array(z.string().refine(isModelPattern, 'must be a model name or a prefix/* pattern')).max(500),
  freeOnly: z.boolean(),
  budgets: z.object({ day: budget.optional(), month: budget.optional(), total: budget.optional() }).strict(),
  rpm: limit(MAX_RPM),
  maxConcurrent: limit(MAX_CONCURRENT),
  allowedIps: z.array(z.string().refine(isIpItem, 'must be an address, a CIDR range, or loopback, linklocal, uniquelocal')).max(200),
};
const createBody = z.object(fields).partial().required({ name: true }).strict();
const patchBody = z
  .object(fields)
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
const idParam = z.object({ id: z.coerce.number().int().min(0) });
const listQuery = z.object({ deleted: z.enum(['true', 'false'], { message: 'must be true or false' }).optional() });

/** A new client's settings: what the admin gave, no limit where nothing was given. */
function newSettings(b: z.infer<typeof createBody>): ClientSettings {
  return {
    name: b.name,
    note: b.note ?? '',
    enabled: b.enabled ?? true,
    expiresAt: b.expiresAt ?? null,
    models: b.models ?? [],
    freeOnly: b.freeOnly ?? false,
    budgets: { day: b.budgets?.day ?? null, month: b.budgets?.month ?? null, total: b.budgets?.total ?? null },
    rpm: b.rpm ?? null,
    maxConcurrent: b.maxConcurrent ?? null,
    allowedIps: b.allowedIps ?? [],
  };
}

export type ClientsRoutesDeps = {
  clients: Pick<ClientService, 'list' | 'get' | 'create' | 'update' | 'remove' | 'rotate' | 'usage'>;
  logger: Logger;
};

/** /admin/api/clients: client keys (docs/admin-api.md, "Client keys"). A key is in an answer only when created or rotated. */
export function clientsRoutes({ clients, logger }: ClientsRoutesDeps): Router {
  const router = Router();

  router.get('/clients', adminOnly, (req, res) => {
    const { deleted } = parseInput(listQuery, req.query);
    res.json({ items: clients.list({ deleted: deleted === 'true' }) });
  });

  router.post('/clients', adminOnly, (req, res) => {
    const issued = clients.create(newSettings(parseInput(createBody, req.body)));
    logger.info({ clientId: issued.client.id }, 'client key created by the admin');
    res.status(201).set('Cache-Control', 'no-store').json(issued);
  });

  router.get('/clients/:id', adminOnly, (req, res) => {
    res.json(clients.get(parseInput(idParam, req.params).id));
  });

  router.patch('/clients/:id', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const change = parseInput(patchBody, req.body) as Partial<ClientSettings>;
    res.json(clients.update(id, change));
  });

  router.delete('/clients/:id', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const client = clients.remove(id);
    logger.info({ clientId: id }, 'client key deleted by the admin');
    res.json(client);
  });

  router.post('/clients/:id/rotate', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const issued = clients.rotate(id);
    logger.info({ clientId: id }, 'client key rotated by the admin');
    res.set('Cache-Control', 'no-store').json(issued);
  });

  router.get('/clients/:id/usage', adminOnly, (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(clients.usage(id, parseInput(clientUsageQuery, req.query)));
  });

  return router;
}
