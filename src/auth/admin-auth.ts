import type { AppState } from '../db/app-state.js';
import { HttpError } from '../http-error.js';
import { hashPassword, safeEqual, verifyPassword } from './passwords.js';

const HASH_STATE = 'admin.passwordHash';
export const DEFAULT_PASSWORD = 'admin';

/**
 * The single admin account. The password comes from ADMIN_PASSWORD until the admin changes it;
 * from then on only its scrypt hash in the database counts (the same rule as every runtime setting).
 */
export class AdminAuth {
  constructor(
    private readonly state: AppState,
    readonly username: string,
    private readonly envPassword: string,
  ) {}

  async verify(username: string, password: string): Promise<boolean> {
    const userOk = safeEqual(username, this.username);
    const stored = this.storedHash();
    const passwordOk = stored ? await verifyPassword(password, stored) : safeEqual(password, this.envPassword);
    return userOk && passwordOk;
  }

  /**
   * True while the password in force is still the well-known default. The alert engine asks on every
   * tick: with ADMIN_PASSWORD set to anything else, the database is not read. The stored hash is not
   * cached, since reset-admin-password may clear it from another process while the server runs.
   */
  mustChangePassword(): boolean {
    return this.envPassword === DEFAULT_PASSWORD && !this.storedHash();
  }

  async changePassword(current: string, next: string): Promise<void> {
    if (!(await this.verify(this.username, current))) {
      throw new HttpError(401, 'wrong-password', 'The current password is wrong.');
    }
    if (next === DEFAULT_PASSWORD || safeEqual(next, current)) {
      throw new HttpError(400, 'weak-password', 'Choose a new password different from the current one and from "admin".');
    }
    this.state.set(HASH_STATE, await hashPassword(next));
  }

  /** Forgets the stored password, so ADMIN_PASSWORD is in force again (scripts/reset-admin-password). */
  resetPassword(): void {
    this.state.delete(HASH_STATE);
  }

  private storedHash(): string | undefined {
    const value = this.state.get(HASH_STATE);
    return value === undefined ? undefined : value.toString();
  }
}
