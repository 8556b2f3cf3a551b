import { KeyCipher, maskKey } from '../crypto/key-cipher.js';
import { notFound } from '../http-error.js';
import { extractKeys, isFullKey } from './key-parse.js';
import type { KeyStore } from './key-store.js';
import { toKeyView, type KeyFilter, type KeyRow, type KeySort, type KeyView } from './key-types.js';

export type ImportResult = { added: number; duplicates: number; invalid: number; unusual: number; addedIds: number[] };
export type ListQuery = KeyFilter & { page: number; pageSize: number; sort: KeySort };
export type ExportedKey = { id: number; key: string; view: KeyView };

/** Everything the admin does to the pool, apart from checking (check-service). */
export class KeyService {
  constructor(
    private readonly store: KeyStore,
    private readonly cipher: KeyCipher,
  ) {}

  import(text: string): ImportResult {
    const parsed = extractKeys(text);
    const addedIds = this.store.insertMany(
      parsed.keys.map((key) => ({ cipher: this.cipher.encrypt(key), hash: this.cipher.hash(key), masked: maskKey(key) })),
    );
    return {
      added: addedIds.length,
      duplicates: parsed.repeated + parsed.keys.length - addedIds.length,
      invalid: parsed.invalid,
      unusual: parsed.unusual,
      addedIds,
    };
  }

  list(query: ListQuery): { items: KeyView[]; total: number; page: number; pageSize: number } {
    const { page, pageSize, sort } = query;
    const { rows, total } = this.store.list(this.filter(query), sort, pageSize, (page - 1) * pageSize);
    return { items: rows.map(toKeyView), total, page, pageSize };
  }

  get(id: number): KeyView {
    return toKeyView(this.row(id));
  }

  update(id: number, patch: { enabled?: boolean; note?: string }): KeyView {
    if (!this.store.update(id, patch)) throw keyNotFound(id);
    return this.get(id);
  }

  delete(id: number): void {
    if (this.store.delete([id]) === 0) throw keyNotFound(id);
  }

  /** Applies enable/disable/delete to the ids that exist; reports which did not. */
  bulk(action: 'enable' | 'disable' | 'delete', ids: number[]): { affected: number; notFound: number[] } {
    const existing = this.store.existingIds(ids);
    const affected = action === 'delete' ? this.store.delete(existing) : this.store.setEnabled(existing, action === 'enable');
    const found = new Set(existing);
    return { affected, notFound: [...new Set(ids)].filter((id) => !found.has(id)) };
  }

  /** Full keys, decrypted: only for the admin's explicit export. */
  export(filter: KeyFilter): ExportedKey[] {
    return this.store.all(this.filter(filter)).map((row) => ({ id: row.id, key: this.reveal(row), view: toKeyView(row) }));
  }

  /** The rows of those ids that exist, for a check of selected keys. */
  existingRows(ids: number[]): KeyRow[] {
    return this.store.existingIds(ids).flatMap((id) => this.store.get(id) ?? []);
  }

  row(id: number): KeyRow {
    const row = this.store.get(id);
    if (!row) throw keyNotFound(id);
    return row;
  }

  reveal(row: KeyRow): string {
    return this.cipher.decrypt(row.key_cipher);
  }

  /** A search text that is a whole key is matched by its hash, since keys are stored encrypted. */
  private filter(query: KeyFilter): KeyFilter & { hash?: string } {
    const q = query.q?.trim();
    if (q && isFullKey(q)) return { status: query.status, hash: this.cipher.hash(q) };
    return { status: query.status, q: q || undefined };
  }
}

const keyNotFound = (id: number) => notFound('key-not-found', `No key with id ${id}.`);
