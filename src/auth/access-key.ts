import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyCipher } from '../crypto/key-cipher.js';
import type { AppState } from '../db/app-state.js';

const GENERATED = 'accessKey.generated';
const ROTATED = 'accessKey.admin';
/** Set while a generated key has not been printed in a start-up banner yet (see init and markShown). */
const UNSHOWN = 'accessKey.unshown';

export type AccessKeySource = 'admin' | 'environment' | 'generated';

/**
 * The one key clients put in their OpenAI settings to call /v1. In force: the admin's rotated key,
 * else AUTH_API_KEY, else a key generated on first start — so /v1 is never open without a key.
 * Stored encrypted like the pool keys.
 */
export class AccessKeyService {
  private value!: string;
  private bytes!: Buffer;
  private source!: AccessKeySource;

  constructor(
    private readonly state: AppState,
    private readonly cipher: KeyCipher,
    private readonly envKey: string | undefined,
  ) {}

  /**
   * Loads the key in force, generating one when there is none. Returns the generated key while no
   * start-up banner has shown it yet: a first start that fails after generating it (port in use)
   * leaves it to the next start, instead of losing the only readable copy.
   */
  init(): string | undefined {
    const rotated = this.read(ROTATED);
    if (rotated) return void this.use(rotated, 'admin');
    if (this.envKey) return void this.use(this.envKey, 'environment');
    const generated = this.read(GENERATED);
    if (generated) {
      this.use(generated, 'generated');
      return this.state.get(UNSHOWN) === undefined ? undefined : generated;
    }
    const fresh = newAccessKey();
    this.state.set(GENERATED, this.cipher.encrypt(fresh));
    this.state.set(UNSHOWN, '1');
    this.use(fresh, 'generated');
    return fresh;
  }

  /** The banner printed the generated key: later starts point to the admin page instead. */
  markShown(): void {
    this.state.delete(UNSHOWN);
  }

  current(): { key: string; source: AccessKeySource } {
    return { key: this.value, source: this.source };
  }

  /**
   * Constant-time for a token of the right length (the length of an access key is no secret: they
   * are all `sfm-` + 40 characters unless set by hand), with no hashing on the hot path.
   */
  matches(token: string): boolean {
    const candidate = Buffer.from(token, 'utf8');
    return candidate.length === this.bytes.length && timingSafeEqual(candidate, this.bytes);
  }

  /** A new key chosen by the admin's action; it wins over AUTH_API_KEY from then on. */
  rotate(): string {
    const fresh = newAccessKey();
    this.state.set(ROTATED, this.cipher.encrypt(fresh));
    this.use(fresh, 'admin');
    return fresh;
  }

  /** Drops the admin's rotated key: AUTH_API_KEY (or the generated key) is in force again. */
  reset(): void {
    this.state.delete(ROTATED);
    this.init();
  }

  private use(key: string, source: AccessKeySource) {
    this.value = key;
    this.bytes = Buffer.from(key, 'utf8');
    this.source = source;
  }

  private read(name: string): string | undefined {
    const stored = this.state.get(name);
    return stored === undefined ? undefined : this.cipher.decrypt(Buffer.from(stored));
  }
}

/** `sfm-` + 40 URL-safe characters: not `sk-`, so it is never mistaken for (or redacted as) a pool key. */
export function newAccessKey(): string {
  return `sfm-${randomBytes(30).toString('base64url')}`;
}
