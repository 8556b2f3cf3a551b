import { safeEqual } from '../auth/passwords.js';
import type { AppState } from '../db/app-state.js';

const GENERATION_STATE = 'guest.passwordGeneration';

/**
 * The guest password of ACCESS_CONTROL=restricted, and what a guest's session holds after passing
 * it: a stamp, a keyed hash of the password in force and of how many times the admin has changed or
 * cleared it (never the password). Any change gives another stamp, so every guest signed in before
 * is out at once — also when the same password comes back later, or GUEST_PASSWORD changed between
 * two starts.
 */
export class GuestPass {
  private stamped: { password: string; stamp: string } | undefined;
  private generation: number;

  constructor(
    private readonly state: AppState,
    private readonly password: () => string | null,
    private readonly keyedHash: (text: string) => string,
  ) {
    this.generation = Number(state.get(GENERATION_STATE)?.toString() ?? 0);
  }

  /** The admin changed or cleared the password: every guest session ends. */
  passwordChanged(): void {
    this.generation++;
    this.state.set(GENERATION_STATE, String(this.generation));
    this.stamped = undefined;
  }

  /** The password typed in matches the one in force. */
  verify(typed: string): boolean {
    const expected = this.password();
    return !!expected && safeEqual(typed, expected);
  }

  /** What a session that passed the password now keeps. */
  stamp(): string | null {
    const password = this.password();
    if (password === null) return null;
    if (this.stamped?.password !== password)
      this.stamped = { password, stamp: this.keyedHash(`guest-password:${this.generation}:${password}`) };
    return this.stamped.stamp;
  }

  /** The session passed the password that is in force now. */
  admits(sessionStamp: unknown): boolean {
    const stamp = this.stamp();
    return stamp !== null && typeof sessionStamp === 'string' && safeEqual(sessionStamp, stamp);
  }
}
