import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { redactSecrets } from '../redact.js';

/** Error bodies are collected up to 1 MiB (collectBody); decoded ones are held to the same. */
const MAX_DECODED_BYTES = 1024 * 1024;

/**
 * An upstream error body as plain bytes, so it can be classified and redacted. The proxy asks for
 * `identity`, but an upstream or a gateway in front of it may compress anyway, and a key must not get
 * past redaction inside a gzip. Null when it cannot be decoded: the client then gets no body from it.
 */
export function decodedBody(bytes: Buffer, encoding: string | string[] | undefined): Buffer | null {
  const name = (Array.isArray(encoding) ? encoding.join(',') : (encoding ?? '')).trim().toLowerCase();
  const limit = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    if (name === '' || name === 'identity') return bytes;
    if (name === 'gzip' || name === 'x-gzip') return gunzipSync(bytes, limit);
    if (name === 'deflate') return inflateSync(bytes, limit);
    if (name === 'br') return brotliDecompressSync(bytes, limit);
    return null;
  } catch {
    return null;
  }
}

/**
 * The text with the attempt's pool key, and anything else shaped like a key (`sk-…`), masked. The
 * upstream can only echo the key it was sent, so that one is looked for exactly, whatever its shape.
 */
export function redactKeys(text: string, secret: string): string {
  const own = text.includes(secret) ? text.replaceAll(secret, `${secret.slice(0, 7)}…[redacted]`) : text;
  return redactSecrets(own);
}
