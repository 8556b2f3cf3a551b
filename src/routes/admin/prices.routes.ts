import { Router, type Request } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import { adminPriceSchema, modelNameSchema, type PriceService } from '../../ledger/price-service.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';

const modelParam = z.object({ model: modelNameSchema });

export type PricesRoutesDeps = {
  prices: Pick<PriceService, 'list' | 'set' | 'reset' | 'exportTable' | 'importTable'>;
  logger: Logger;
};

/**
 * The price table: the shipped prices with the admin's on top (price-service.ts). A model name holds
 * slashes: `/prices/deepseek-ai%2FDeepSeek-V3` and `/prices/deepseek-ai/DeepSeek-V3` name the same model.
 */
export function pricesRoutes({ prices, logger }: PricesRoutesDeps): Router {
  const router = Router();

  router.get('/prices', adminOnly, (_req, res) => {
    res.json(prices.list());
  });

  router.get('/prices/export', adminOnly, (_req, res) => {
    res.attachment(`siliconflow-prices-${new Date().toISOString().slice(0, 10)}.json`);
    res.type('application/json').send(JSON.stringify(prices.exportTable(), null, 2) + '\n');
  });

  router.post('/prices/import', adminOnly, (req, res) => {
    const result = prices.importTable(req.body);
    logger.info(result, 'prices imported by the admin');
    res.json(result);
  });

  router.put('/prices/*model', adminOnly, (req, res) => {
    const model = modelOf(req);
    const price = parseInput(adminPriceSchema, req.body);
    const entry = prices.set(model, price);
    logger.info({ model, price }, 'price set by the admin');
    res.json(entry);
  });

  router.delete('/prices/*model', adminOnly, (req, res) => {
    const model = modelOf(req);
    const price = prices.reset(model);
    logger.info({ model }, 'price reset by the admin');
    res.json({ model, price });
  });

  return router;
}

/** Express hands a wildcard over as its decoded path segments; `%2F` arrives inside one of them. */
function modelOf(req: Request): string {
  const segments: unknown = req.params.model;
  return parseInput(modelParam, { model: Array.isArray(segments) ? segments.join('/') : segments }).model;
}
