import { Router } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import type { AccessKeyService } from '../../auth/access-key.js';
import { notFound } from '../../http-error.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';
import { isSettingName, type SettingsService } from '../../settings/settings-service.js';

export type SettingsRoutesDeps = {
  settings: Pick<SettingsService, 'describe' | 'update' | 'reset'>;
  accessKey: Pick<AccessKeyService, 'current' | 'rotate' | 'reset'>;
  logger: Logger;
};

/** Runtime settings (see settings-service for which value wins) and the /v1 access key. */
export function settingsRoutes({ settings, accessKey, logger }: SettingsRoutesDeps): Router {
  const router = Router();

  router.get('/settings', adminOnly, (_req, res) => {
    res.json(settings.describe());
  });

  router.put('/settings', adminOnly, (req, res) => {
    const body: unknown = req.body;
    settings.update(body);
    logger.info({ changed: Object.keys(body ?? {}) }, 'settings changed by the admin');
    res.json(settings.describe());
  });

  router.delete('/settings/:name', adminOnly, (req, res) => {
    const { name } = parseInput(z.object({ name: z.string() }), req.params);
    if (!isSettingName(name)) throw notFound('unknown-setting', `No setting named ${name}.`);
    settings.reset(name);
    res.json(settings.describe());
  });

  router.get('/access-key', adminOnly, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(accessKey.current());
  });

  router.post('/access-key/rotate', adminOnly, (_req, res) => {
    accessKey.rotate();
    logger.info('access key rotated by the admin');
    res.set('Cache-Control', 'no-store').json(accessKey.current());
  });

  router.delete('/access-key', adminOnly, (_req, res) => {
    accessKey.reset();
    logger.info('access key handed back to AUTH_API_KEY / the generated key');
    res.set('Cache-Control', 'no-store').json(accessKey.current());
  });

  return router;
}
