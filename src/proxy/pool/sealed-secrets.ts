/** The first chunk's size; each next one doubles, up to MAX_CHUNK_BYTES (a few keys take a few KiB, 100,000 a few MiB). */
const FIRST_CHUNK_BYTES = 4096;
const MAX_CHUNK_BYTES = 1 << 20;
/** Each sealed secret is its length (4 bytes) and its bytes; a place is chunk × MAX_CHUNK_BYTES + offset. */
const LENGTH_BYTES = 4;

/**
 * Encrypted secrets of keys loaded in bulk (a start, a large import), kept packed in a few large
 * buffers until each is first needed. Decrypting costs a cipher set-up per key (~7 µs here: 0.7 s for
 * 100,000 keys, most of a start's budget), so a bulk load seals the ciphers and opens them later:
 * in the background after the server listens, or at once when a request picks the key first. One
 * Buffer per key instead of the packed copy would cost ~150 bytes of objects per key besides the bytes.
 */
export class SealedSecrets {
  private readonly chunks: Buffer[] = [];
  private used = 0;

  constructor(private readonly decrypt: (cipher: Buffer) => string) {}

  /** Copies the cipher in; returns its place, for open. */
  seal(cipher: Buffer): number {
    const need = LENGTH_BYTES + cipher.length;
    let chunk = this.chunks.at(-1);
    if (!chunk || this.used + need > chunk.length) chunk = this.addChunk(need);
    const offset = this.used;
    chunk.writeUInt32LE(cipher.length, offset);
    cipher.copy(chunk, offset + LENGTH_BYTES);
    this.used += need;
    return (this.chunks.length - 1) * MAX_CHUNK_BYTES + offset;
  }

  /** The secret sealed at `place`, decrypted (throws, as KeyCipher.decrypt does, when it does not decrypt). */
  open(place: number): string {
    const chunk = this.chunks[Math.floor(place / MAX_CHUNK_BYTES)]!;
    const offset = place % MAX_CHUNK_BYTES;
    const start = offset + LENGTH_BYTES;
    return this.decrypt(chunk.subarray(start, start + chunk.readUInt32LE(offset)));
  }

  private addChunk(need: number): Buffer {
    const last = this.chunks.at(-1)?.length ?? FIRST_CHUNK_BYTES / 2;
    const chunk = Buffer.allocUnsafeSlow(Math.max(need, Math.min(2 * last, MAX_CHUNK_BYTES)));
    this.chunks.push(chunk);
    this.used = 0;
    return chunk;
  }
}
