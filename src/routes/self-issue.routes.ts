import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { SelfIssue } from '../clients/self-issue.js';
import { HttpError } from '../http-error.js';
import { parseInput } from '../middleware/validate.js';
import type { GuestPass } from '../pages/guest-pass.js';
import type { SettingsService } from '../settings/settings-service.js';

const body = z.object({ name: z.string().trim().max(60).optional() }).strict();

export type SelfIssueRoutesDeps = {
  settings: Pick<SettingsService, 'get'>;
  guestPass: Pick<GuestPass, 'admits'>;
  selfIssue: Pick<SelfIssue, 'issue'>;
};

/**
 * Who may self-issue: the setting on, and the user page open to the caller — any visitor under
 * open, a signed-in guest (or the admin) under restricted, nobody under private (the admin makes
 * keys in the Clients tab there).
 */
function mayIssue(settings: SelfIssueRoutesDeps['settings'], guestPass: SelfIssueRoutesDeps['guestPass']): RequestHandler {
  return (req, _res, next) => {
    const { guestSelfService, accessControl: mode } = settings.get();
    if (!guestSelfService) throw new HttpError(403, 'self-issue-off', 'Self-issued client keys are switched off on this server.');
    if (mode === 'private')
      throw new HttpError(403, 'self-issue-private', 'This server has no self-issued keys: its user page is private.');
    if (mode === 'open' || req.session.admin || guestPass.admits(req.session.guest)) return next();
    throw new HttpError(401, 'not-allowed', 'The user page is not open to you: sign in with the guest password first.');
  };
}

/**
 * Only JSON: a cross-site form cannot send it without a CORS preflight this server never answers,
 * so no other site can spend a visitor's one key a day (the session cookie is SameSite=Lax too).
 */
const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new HttpError(415, 'json-required', 'Send the request as application/json.');
  next();
};

/** POST /api/client-key/self-issue {name?} — a guest's own client key, from the admin's preset; the key is in this answer only. */
export function selfIssueRoutes({ settings, guestPass, selfIssue }: SelfIssueRoutesDeps): Router {
  const router = Router();
  router.post('/api/client-key/self-issue', mayIssue(settings, guestPass), jsonOnly, express.json({ limit: '4kb' }), (req, res) => {
    const { name } = parseInput(body, req.body);
    const { key, client } = selfIssue.issue(req.ip ?? 'unknown', name);
    const { name: shownName, maskedKey, expiresAt, models, freeOnly, budgets, rpm } = client;
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ key, client: { name: shownName, maskedKey, expiresAt, models, freeOnly, budgets, rpm } });
  });
  return router;
}
