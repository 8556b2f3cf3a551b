import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyCipher, maskKey } from '../../src/crypto/key-cipher.js';
import { loadConfig } from '../../src/config/env.js';
import { loadSecrets, parseEncryptionKey } from '../../src/config/secrets.js';

const key = 'sk-' + 'q'.repeat(48);

describe('KeyCipher', () => {
  const cipher = new KeyCipher(randomBytes(32));

  it('round-trips a key, and the ciphertext does not contain it', () => {
    const data = cipher.encrypt(key);
    expect(data.includes(Buffer.from(key))).toBe(false);
    expect(data.includes(Buffer.from(key.slice(3, 20)))).toBe(false);
    expect(cipher.decrypt(data)).toBe(key);
  });

  it('encrypts the same key differently each time (random IV) but hashes it the same', () => {
    expect(cipher.encrypt(key).equals(cipher.encrypt(key))).toBe(false);
    expect(cipher.hash(key)).toBe(cipher.hash(key));
    expect(cipher.hash(key)).not.toBe(cipher.hash(key + 'x'));
  });

  it('refuses data encrypted with another key or tampered with', () => {
    const other = new KeyCipher(randomBytes(32));
    expect(() => other.decrypt(cipher.encrypt(key))).toThrow();
    const data = cipher.encrypt(key);
    data[data.length - 1]! ^= 1;
    expect(() => cipher.decrypt(data)).toThrow();
  });
});

describe('maskKey', () => {
  it('shows four characters at each end', () => {
    expect(maskKey('sk-abcd' + 'x'.repeat(40) + 'wxyz')).toBe('sk-abcd…wxyz');
  });
});

describe('parseEncryptionKey', () => {
  it('accepts 64 hex characters or base64 of 32 bytes, and nothing else', () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString('hex')).equals(bytes)).toBe(true);
    expect(parseEncryptionKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(() => parseEncryptionKey('too-short')).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
  });
});

describe('loadSecrets', () => {
  it('generates missing secrets into DATA_DIR/secrets.json (mode 0600) and never stores one the environment gives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfm-secrets-'));
    try {
      const envKey = randomBytes(32).toString('hex');
      const first = loadSecrets(loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: envKey }));
      expect(first.encryptionKey.toString('hex')).toBe(envKey);
      const file = join(dir, 'secrets.json');
      const stored = JSON.parse(readFileSync(file, 'utf8'));
      expect(stored).toEqual({ sessionSecret: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = loadSecrets(loadConfig({ DATA_DIR: dir }));
      expect(second.sessionSecret).toBe(first.sessionSecret);
      expect(JSON.parse(readFileSync(file, 'utf8')).encryptionKey).toMatch(/^[0-9a-f]{64}$/);
      expect(loadSecrets(loadConfig({ DATA_DIR: dir })).encryptionKey.equals(second.encryptionKey)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
