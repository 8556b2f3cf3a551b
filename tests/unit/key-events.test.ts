import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { EVENTS_PER_KEY } from '../../src/keys/key-events.js';
import { KeyStore } from '../../src/keys/key-store.js';

/** A store on a fresh in-memory database with `count` keys. */
function storeWith(count: number) {
  const db = openDatabase(':memory:');
  const store = new KeyStore(db);
  const ids = store.insertMany(Array.from({ length: count }, (_, i) => ({ cipher: Buffer.from([i]), hash: `h${i}`, masked: `sk-${i}` })));
  return { db, store, ids };
}

describe('KeyEventStore', () => {
  it(`keeps the last ${EVENTS_PER_KEY} events of a key; other keys keep theirs`, () => {
    const { db, store, ids } = storeWith(2);
    const [a, b] = ids as [number, number];
    store.update(b, { enabled: false });
    for (let i = 0; i < EVENTS_PER_KEY + 5; i++) store.update(a, { enabled: i % 2 === 1 });
    expect(db.prepare('SELECT COUNT(*) FROM key_events WHERE key_id = ?').pluck().get(a)).toBe(EVENTS_PER_KEY);
    expect(store.history.list(a, 1)[0]).toMatchObject({ from: 'active', to: 'disabled' });
    expect(store.history.list(b, 10)).toHaveLength(1);
  });

  it('records only the keys a bulk write changed, each once, in one transaction with the write', () => {
    const { store, ids } = storeWith(3);
    store.setEnabled([ids[0]!], false);
    const seen: number[][] = [];
    store.history.events.on('recorded', (changed) => seen.push(changed));
    store.setEnabled(ids, false);
    expect(seen).toEqual([[ids[1], ids[2]]]);
    expect(ids.map((id) => store.history.list(id, 10).length)).toEqual([1, 1, 1]);
  });

  it("the proxy's write-behind records its verdict with the answer as the reason", () => {
    const { store, ids } = storeWith(1);
    const id = ids[0]!;
    const update = { id, coolingUntil: null, lacksPaidAt: null, usageDelta: 1, failureDelta: 1, lastUsedAt: 1 };
    store.applyProxyUpdates([{ ...update, status: 'invalid', lastError: 'HTTP 401 (code 30014): Token is invalid.' }]);
    store.applyProxyUpdates([{ ...update, status: 'invalid', lastError: 'HTTP 401 again' }]);
    expect(store.history.list(id, 10)).toEqual([
      expect.objectContaining({ from: 'active', to: 'invalid', source: 'proxy', reason: 'HTTP 401 (code 30014): Token is invalid.' }),
    ]);
  });
});
