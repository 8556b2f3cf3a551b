import session from 'express-session';
import type { AppContext } from '../context.js';

declare module 'express-session' {
  interface SessionData {
    admin?: { username: string };
    /** Passed the guest password (ACCESS_CONTROL=restricted): GuestPass's stamp of it, never the password. */
    guest?: string;
    csrfToken?: string;
  }
}

export const SESSION_COOKIE = 'sfm.sid';

/** Sessions live in SQLite; the cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS. */
export function sessionMiddleware(ctx: AppContext) {
  return session({
    name: SESSION_COOKIE,
    secret: ctx.sessionSecret,
    store: ctx.sessionStore,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined, // follows the app's "trust proxy" setting
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 12 * 60 * 60 * 1000 },
  });
}
