import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** `sfm-` + 40 URL-safe characters, like the admin's access key: never mistaken for (or redacted as) a pool key. */
export function newClientKey(): string {
  return `sfm-${randomBytes(30).toString('base64url')}`;
}

/**
 * `sfm-abcd…wxyz`: enough to recognise a key in a list, never enough to use it. A short key (an
 * AUTH_API_KEY set by hand) shows nothing: 8 of 12 characters would be most of it.
 */
export function maskClientKey(key: string): string {
  return key.length >= 20 ? `${key.slice(0, 8)}…${key.slice(-4)}` : '…';
}

/**
 * The keyed hash a client key is stored and found by: HMAC-SHA256 under a sub-key derived from
 * ENCRYPTION_KEY with its own HKDF label (not the pool keys' hash key), so a copy of the database
 * alone neither holds a client key nor lets anyone test guesses against it. Client keys are random
 * (240 bits), so a fast keyed hash is enough — no password hashing on the /v1 hot path.
 */
export class ClientKeyHasher {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'sfm client key hash', 32));
  }

  hash(token: string): string {
    return createHmac('sha256', this.key).update(token, 'utf8').digest('base64url');
  }
}
