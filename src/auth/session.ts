import session, { type Store } from 'express-session';

declare module 'express-session' {
  interface SessionData {
    admin?: { username: string };
    /** Passed the guest password (ACCESS_CONTROL=restricted): GuestPass's stamp of it, never the password. */
    guest?: string;
    csrfToken?: string;
  }
}

export const SESSION_COOKIE = 'sfm.sid';

/** The cookie's signing secret (secrets.json) and where sessions are kept (SqliteSessionStore). */
export type SessionDeps = { secret: string; store: Store };

/** Sessions live in SQLite; the cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS. */
export function sessionMiddleware({ secret, store }: SessionDeps) {
  return session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: undefined, // follows the app's "trust proxy" setting
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 12 * 60 * 60 * 1000 },
  });
}
