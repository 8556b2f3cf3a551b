import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireAdmin, requireCsrf, signInLimiter } from '../../auth/admin-guard.js';
import type { AdminAuth } from '../../auth/admin-auth.js';
import { SESSION_COOKIE } from '../../auth/session.js';
import type { SqliteSessionStore } from '../../db/session-store.js';
import { HttpError } from '../../http-error.js';
import type { Logger } from '../../logger.js';
import { parseInput } from '../../middleware/validate.js';

const credentials = z.object({ username: z.string().max(256), password: z.string().max(1024) });
const passwordChange = z.object({
  current: z.string().max(1024),
  next: z.string().min(8, 'must be at least 8 characters').max(1024),
});

export type AuthRoutesDeps = {
  adminAuth: Pick<AdminAuth, 'username' | 'verify' | 'changePassword' | 'mustChangePassword'>;
  sessionStore: Pick<SqliteSessionStore, 'destroyOthers'>;
  logger: Logger;
};

/** POST /login, POST /logout, GET /session, PUT /password */
export function authRoutes({ adminAuth, sessionStore, logger }: AuthRoutesDeps): Router {
  const router = Router();

  router.post('/login', signInLimiter(), async (req, res) => {
    const { username, password } = parseInput(credentials, req.body);
    if (!(await adminAuth.verify(username, password))) {
      logger.warn({ ip: req.ip }, 'admin sign-in failed');
      throw new HttpError(401, 'wrong-credentials', 'Wrong username or password.');
    }
    await regenerate(req);
    req.session.admin = { username: adminAuth.username };
    req.session.csrfToken = randomBytes(32).toString('base64url');
    logger.info({ ip: req.ip }, 'admin signed in');
    res.json(sessionInfo(adminAuth, req));
  });

  router.get('/session', requireAdmin, (req, res) => {
    res.json(sessionInfo(adminAuth, req));
  });

  router.post('/logout', requireAdmin, requireCsrf, async (req, res) => {
    await promisify(req.session.destroy.bind(req.session))();
    res.clearCookie(SESSION_COOKIE);
    res.status(204).end();
  });

  router.put('/password', requireAdmin, requireCsrf, async (req, res) => {
    const { current, next } = parseInput(passwordChange, req.body);
    await adminAuth.changePassword(current, next);
    sessionStore.destroyOthers(req.sessionID);
    logger.info('admin password changed; other sessions signed out');
    res.json(sessionInfo(adminAuth, req));
  });

  return router;
}

function sessionInfo(adminAuth: Pick<AdminAuth, 'mustChangePassword'>, req: Request) {
  return {
    username: req.session.admin!.username,
    csrfToken: req.session.csrfToken!,
    mustChangePassword: adminAuth.mustChangePassword(),
  };
}

/** A new session id at sign-in, so a session id planted before sign-in is worthless (session fixation). */
function regenerate(req: Request): Promise<void> {
  return promisify(req.session.regenerate.bind(req.session))();
}
