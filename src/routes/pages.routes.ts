import express, { Router } from 'express';
import { z } from 'zod';
import { requireAdmin, requirePasswordChanged } from '../auth/admin-guard.js';
import type { AdminAuth } from '../auth/admin-auth.js';
import { guestLimiter, renderGuestForm, userPageGate } from '../pages/guest-access.js';
import { errorTextsOf, languageOf, messagesOf, translator, type Language } from '../pages/i18n.js';
import { inertJson, pageLocals } from '../pages/page-locals.js';
import type { GuestPass } from '../pages/guest-pass.js';
import { userPageModel, type UserPageDeps } from '../pages/user-page.js';
import { settingFieldsOf } from '../settings/settings-form.js';

const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1) });
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export type PageDeps = UserPageDeps & {
  guestPass: Pick<GuestPass, 'admits' | 'verify' | 'stamp'>;
  adminAuth: Pick<AdminAuth, 'mustChangePassword'>;
};

/** The user page at / (behind ACCESS_CONTROL), the guest password form, the language switch, and /admin with its server-rendered cards. */
export function pageRoutes(deps: PageDeps): Router {
  const { settings, guestPass, adminAuth, stats } = deps;
  const router = Router();
  const mustChangePassword = () => adminAuth.mustChangePassword();
  router.use(pageLocals());

  router.get('/', userPageGate(settings, guestPass), (req, res) => {
    const { page } = pageQuery.parse(req.query);
    const baseUrl = `${req.protocol}://${req.get('host')}/v1`;
    const lang = languageOf(req.headers.cookie);
    const checkerTexts = inertJson(checkerTextsOf(lang));
    const lookupTexts = inertJson(lookupTextsOf(lang));
    const selfIssueTexts = inertJson({ expires: translator(lang)('selfIssue.expires'), errors: errorTextsOf(lang) });
    res.render('index', {
      ...userPageModel(deps, { page, baseUrl, isAdmin: !!req.session.admin }),
      checkerTexts,
      lookupTexts,
      selfIssueTexts,
    });
  });

  router.post('/guest/login', express.urlencoded({ extended: false, limit: '4kb' }), guestLimiter(), (req, res, next) => {
    const typed = (req.body as { password?: unknown } | undefined)?.password;
    const password = typeof typed === 'string' ? typed : '';
    if (!guestPass.verify(password)) return renderGuestForm(res, 401, 'wrongGuestPassword');
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.guest = guestPass.stamp()!;
      res.redirect(303, '/');
    });
  });

  // The choice is remembered in a cookie; the page it came from is shown again.
  router.get('/lang/:code', (req, res) => {
    const lang = req.params.code === 'en' ? 'en' : 'zh';
    res.cookie('lang', lang, { maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true });
    res.redirect(303, req.query.back === 'admin' ? '/admin' : '/');
  });

  // The admin is one page whose scripts work over /admin/api; its texts travel as inert JSON.
  router.get('/admin', (req, res) => {
    const lang = languageOf(req.headers.cookie);
    res.render('admin', { adminTexts: inertJson(messagesOf(lang)), settingFields: settingFieldsOf(lang), back: 'admin' });
  });

  // The admin overview's cards: the user page's partial, rendered here and fetched by the admin's scripts.
  router.get('/admin/stats-cards', requireAdmin, requirePasswordChanged(mustChangePassword), (_req, res) => {
    res.set('Cache-Control', 'no-store').render('partials/stats-cards', { stats: stats.pool(), withoutMoney: true });
  });
  return router;
}

/** What the user page's key checker (public/js/checker.js) shows: statuses, unknown balances, failures. */
function checkerTextsOf(lang: Language) {
  const t = translator(lang);
  const statuses = Object.fromEntries((['active', 'exhausted', 'invalid', 'error'] as const).map((s) => [s, t(`status.${s}`)]));
  return { unknown: t('unknown'), statuses, errors: errorTextsOf(lang) };
}

/** What the user page's client key lookup (public/js/client-lookup.js) fills in: its own texts, the statuses, failures. */
function lookupTextsOf(lang: Language) {
  const own = Object.entries(messagesOf(lang)).filter(([key]) => key.startsWith('lookup.') || key.startsWith('clients.status.'));
  const t = translator(lang);
  return { ...Object.fromEntries(own), unknown: t('unknown'), never: t('never'), ...errorTextsOf(lang) };
}
