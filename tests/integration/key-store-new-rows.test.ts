import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { KeyStore } from '../../src/keys/key-store.js';
import type { PoolRow } from '../../src/keys/key-types.js';

// Issue 15 (import time): an import hands the pool its new keys' rows instead of the pool reading
// them back. Those rows are made in code from the table's defaults: this holds them to the schema
// (every migration applied), so a column default changed in a migration cannot leave the pool
// believing something else than the database about a new key.

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

const newKey = (n: number) => ({ cipher: Buffer.from(`cipher-${n}`), hash: `hash-${n}`, masked: `sk-${n}…` });

describe('KeyStore.insertMany announces its new rows', () => {
  it('with the same pool columns the database then holds, and only for the keys it inserted', () => {
    const store = new KeyStore(db);
    const [existing] = store.insertMany([newKey(0)]);
    const announced: { ids: number[]; rows: readonly PoolRow[] | undefined }[] = [];
    store.events.on('changed', (ids, _kind, rows) => announced.push({ ids, rows }));

    const ids = store.insertMany([newKey(1), newKey(0), newKey(2)]);

    expect(ids).toHaveLength(2);
    expect(ids).not.toContain(existing);
    expect(announced).toHaveLength(1);
    expect(announced[0]!.ids).toEqual(ids);
    expect(announced[0]!.rows).toEqual([...store.poolRows(ids)]);
  });

  it('announces nothing when every key was already stored', () => {
    const store = new KeyStore(db);
    store.insertMany([newKey(1)]);
    let announced = 0;
    store.events.on('changed', () => announced++);
    expect(store.insertMany([newKey(1)])).toEqual([]);
    expect(announced).toBe(0);
  });
});
