import { yuan } from '../ledger/money.js';
import express, { Router } from 'express';
import { z } from 'zod';
import type { CheckService } from '../balance/check-service.js';
import { maskKey } from '../crypto/key-cipher.js';
import { HttpError } from '../http-error.js';
import { extractKeys } from '../keys/key-parse.js';
import { ipRateLimit } from '../middleware/rate-limit.js';
import { parseInput } from '../middleware/validate.js';
import type { GuestPass } from '../pages/guest-pass.js';
import type { SettingsService } from '../settings/settings-service.js';

const MAX_KEYS = 20;
const body = z.object({ keys: z.string().max(20_000) });

export type KeyCheckerDeps = {
  settings: Pick<SettingsService, 'get'>;
  guestPass: Pick<GuestPass, 'admits'>;
  checks: Pick<CheckService, 'checkUnstored'>;
};

/**
 * POST /api/check-keys — a visitor checks their own keys: validity and balance from SiliconFlow,
 * checked on the server, never stored or logged. Rate-limited per IP; behind the same access mode as
 * the user page; the admin can switch it off (KEY_CHECKER / the keyChecker setting).
 */
export function keyCheckerRoutes({ settings, guestPass, checks }: KeyCheckerDeps): Router {
  const router = Router();
  const limiter = ipRateLimit({
    windowMs: 10 * 60 * 1000,
    limit: 20,
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'too-many-checks', 'Too many checks from this address; try again in a few minutes.')),
  });
  router.post(
    '/api/check-keys',
    express.json({ limit: '32kb' }),
    (req, _res, next) => {
      const { keyChecker, accessControl: mode } = settings.get();
      if (!keyChecker) throw new HttpError(403, 'key-checker-off', 'The key checker is switched off on this server.');
      if (mode === 'open' || req.session.admin || (mode === 'restricted' && guestPass.admits(req.session.guest))) return next();
      throw new HttpError(401, 'not-allowed', 'The user page is not open to you.');
    },
    limiter,
    async (req, res) => {
      const parsed = extractKeys(parseInput(body, req.body).keys);
      if (parsed.keys.length === 0) throw new HttpError(400, 'no-keys-found', 'No sk-… key was found in the text.');
      if (parsed.keys.length > MAX_KEYS) throw new HttpError(400, 'too-many-keys', `At most ${MAX_KEYS} keys per check.`);
      const results = await checks.checkUnstored(parsed.keys);
      res.set('Cache-Control', 'no-store').json({
        results: results.map((r, i) => ({
          maskedKey: maskKey(parsed.keys[i]!),
          status: r.status,
          giftBalance: yuan(r.balances?.gift ?? null),
          chargeBalance: yuan(r.balances?.charge ?? null),
          totalBalance: yuan(r.balances?.total ?? null),
          error: r.error,
        })),
        invalid: parsed.invalid,
      });
    },
  );
  return router;
}
