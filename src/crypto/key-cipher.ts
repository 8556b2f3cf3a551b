import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for keys at rest, plus a keyed hash (HMAC-SHA256) for de-duplication, so the
 * database can tell two equal keys apart without ever holding one in plaintext.
 * Both sub-keys are derived from ENCRYPTION_KEY with HKDF.
 */
export class KeyCipher {
  private readonly aesKey: Buffer;
  private readonly hmacKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.aesKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'sfm key encryption', 32));
    this.hmacKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'sfm key hash', 32));
  }

  /** iv ‖ tag ‖ ciphertext */
  encrypt(plaintext: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.aesKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the data was not encrypted with this key or was tampered with. */
  decrypt(data: Buffer): string {
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.aesKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  hash(plaintext: string): string {
    return createHmac('sha256', this.hmacKey).update(plaintext, 'utf8').digest('hex');
  }
}

/** `sk-abcd…wxyz`: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  const body = key.startsWith('sk-') ? key.slice(3) : key;
  if (body.length <= 8) return 'sk-…';
  return `sk-${body.slice(0, 4)}…${body.slice(-4)}`;
}
