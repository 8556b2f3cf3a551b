import type { RequestHandler } from 'express';
import { HttpError } from '../http-error.js';
import { ipRateLimit } from '../middleware/rate-limit.js';
import { safeEqual } from './passwords.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 401 unless a signed-in admin session comes with the request. */
export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (!req.session?.admin) throw new HttpError(401, 'not-signed-in', 'Sign in as the admin first.');
  next();
};

/**
 * Synchronizer-token CSRF defence: every mutating request must echo the session's token in
 * X-CSRF-Token. A cross-site page can make the browser send the cookie, but cannot read the token.
 */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const sent = req.get('x-csrf-token');
  const expected = req.session?.csrfToken;
  if (!sent || !expected || !safeEqual(sent, expected)) {
    throw new HttpError(403, 'csrf-token-invalid', 'Missing or wrong X-CSRF-Token header; reload the page and try again.');
  }
  next();
};

/**
 * While the admin password is the well-known default, a signed-in session may do nothing but change
 * it (or sign out): otherwise anyone who tries admin/admin could import, export or read keys first.
 * Requests without a session pass through, so they still get their 401.
 */
export function requirePasswordChanged(mustChangePassword: () => boolean): RequestHandler {
  return (req, _res, next) => {
    if (req.session?.admin && mustChangePassword()) throw passwordChangeRequired();
    next();
  };
}

export const passwordChangeRequired = () =>
  new HttpError(
    403,
    'password-change-required',
    'The admin password is still the default "admin": change it first (PUT /admin/api/password).',
  );

/** The guard every admin route but sign-in starts with. */
export const adminOnly: RequestHandler = (req, res, next) => {
  requireAdmin(req, res, () => requireCsrf(req, res, next));
};

/**
 * 10 failed attempts from one IP within 15 minutes → `onLimit` until the window passes; successful
 * ones do not count. Guards the admin sign-in and the guest password alike.
 */
export function failedAttemptLimiter(onLimit: RequestHandler) {
  return ipRateLimit({ windowMs: 15 * 60 * 1000, limit: 10, skipSuccessfulRequests: true, handler: onLimit });
}

export function signInLimiter() {
  return failedAttemptLimiter((_req, _res, next) =>
    next(new HttpError(429, 'too-many-attempts', 'Too many failed sign-in attempts; try again in 15 minutes.')),
  );
}
