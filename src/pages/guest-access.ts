import type { RequestHandler, Response } from 'express';
import { failedAttemptLimiter } from '../auth/admin-guard.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { GuestPass } from './guest-pass.js';

/** Who may see the user page under ACCESS_CONTROL: open (anyone), restricted (guest password), private (admin only). */
export function userPageGate(settings: Pick<SettingsService, 'get'>, guestPass: Pick<GuestPass, 'admits'>): RequestHandler {
  return (req, res, next) => {
    const mode = settings.get().accessControl;
    if (mode === 'open' || req.session.admin) return next();
    if (mode === 'private') return res.redirect(303, '/admin');
    if (guestPass.admits(req.session.guest)) return next();
    renderGuestForm(res, 200);
  };
}

export function renderGuestForm(res: Response, status: number, error?: 'wrongGuestPassword' | 'tooManyAttempts'): void {
  res.status(status).render('guest-login', { error });
}

/** The same brute-force limit as the admin sign-in. */
export function guestLimiter() {
  return failedAttemptLimiter((_req, res) => renderGuestForm(res, 429, 'tooManyAttempts'));
}
