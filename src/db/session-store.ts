import session from 'express-session';
import type { Db } from './database.js';

const DAY_MS = 24 * 60 * 60 * 1000;

type Callback = (err?: unknown, value?: session.SessionData | null) => void;

/** express-session store on the app's own SQLite database (the default MemoryStore leaks and forgets on restart). */
export class SqliteSessionStore extends session.Store {
  private readonly stmts;

  constructor(private readonly db: Db) {
    super();
    this.stmts = {
      get: db.prepare<[string, number], { sess: string }>('SELECT sess FROM sessions WHERE sid = ? AND expires > ?'),
      set: db.prepare<[string, string, number]>(
        'INSERT INTO sessions (sid, sess, expires) VALUES (?, ?, ?) ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires',
      ),
      touch: db.prepare<[number, string]>('UPDATE sessions SET expires = ? WHERE sid = ?'),
      destroy: db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?'),
      destroyOthers: db.prepare<[string]>('DELETE FROM sessions WHERE sid != ?'),
      clear: db.prepare('DELETE FROM sessions'),
      prune: db.prepare<[number]>('DELETE FROM sessions WHERE expires <= ?'),
    };
  }

  override get(sid: string, callback: Callback): void {
    this.run(callback, () => {
      const row = this.stmts.get.get(sid, Date.now());
      return row ? (JSON.parse(row.sess) as session.SessionData) : null;
    });
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    this.run(callback, () => void this.stmts.set.run(sid, JSON.stringify(sess), expiresAt(sess)));
  }

  override touch(sid: string, sess: session.SessionData, callback?: () => void): void {
    this.run(callback, () => void this.stmts.touch.run(expiresAt(sess), sid));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(callback, () => void this.stmts.destroy.run(sid));
  }

  override clear(callback?: (err?: unknown) => void): void {
    this.run(callback, () => void this.stmts.clear.run());
  }

  /** Signs out every other browser, e.g. after a password change. */
  destroyOthers(sid: string): void {
    this.stmts.destroyOthers.run(sid);
  }

  /** Removes expired sessions; run by a job. Returns how many were removed. */
  prune(): number {
    return this.stmts.prune.run(Date.now()).changes;
  }

  private run<T>(callback: ((err?: unknown, value?: T) => void) | undefined, fn: () => T): void {
    let value: T;
    try {
      value = fn();
    } catch (err) {
      callback?.(err);
      return;
    }
    callback?.(undefined, value);
  }
}

function expiresAt(sess: session.SessionData): number {
  const expires = sess.cookie?.expires;
  return expires ? new Date(expires).getTime() : Date.now() + DAY_MS;
}
