import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import { logEntry } from '../helpers/unit-fixtures.js';

const T0 = logEntry().time;

let db: Db;
let store: RequestLogStore;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = new RequestLogStore(db);
});
afterEach(() => db.close());

const statuses = (items: { status: number }[]) => items.map((i) => i.status);

describe('RequestLogStore.insertMany and list', () => {
  it('stores every field and shows it back as a view with an ISO time and a boolean stream', () => {
    store.insertMany([
      logEntry({
        stream: true,
        model: null,
        requestedModel: 'gpt-4o',
        keyId: null,
        clientId: null,
        firstByteMs: null,
        promptTokens: null,
        completionTokens: null,
        totalTokens: null,
        status: 503,
        errorClass: 'no-usable-key',
        attempts: 0,
        costNano: 0,
        giftNano: 0,
        paidNano: 0,
      }),
    ]);
    const page = store.list({ page: 1, pageSize: 10 });
    expect(page).toEqual({
      items: [
        {
          id: 1,
          time: new Date(T0).toISOString(),
          method: 'POST',
          path: '/v1/chat/completions',
          model: null,
          requestedModel: 'gpt-4o',
          stream: true,
          status: 503,
          keyId: null,
          clientId: null,
          attempts: 0,
          firstByteMs: null,
          totalMs: 450,
          promptTokens: null,
          completionTokens: null,
          totalTokens: null,
          errorClass: 'no-usable-key',
          costNano: 0,
          giftNano: 0,
          paidNano: 0,
        },
      ],
      total: 1,
      page: 1,
      pageSize: 10,
    });
  });

  it("keeps a request's cost and which credit paid it in nano-yuan, null where unknown", () => {
    store.insertMany([
      logEntry({ time: T0, costNano: 1_234_567, giftNano: 1_000_000, paidNano: 234_567 }),
      logEntry({ time: T0 + 1, costNano: 500, giftNano: null, paidNano: null }),
      logEntry({ time: T0 + 2, costNano: null, giftNano: null, paidNano: null }),
    ]);
    const costs = store.list({ page: 1, pageSize: 10 }).items.map(({ costNano, giftNano, paidNano }) => [costNano, giftNano, paidNano]);
    expect(costs).toEqual([
      [null, null, null],
      [500, null, null],
      [1_234_567, 1_000_000, 234_567],
    ]);
  });

  it('lists newest first, breaking ties on time by id, and pages with a total of all matches', () => {
    store.insertMany([
      logEntry({ time: T0 + 1, totalMs: 1 }),
      logEntry({ time: T0 + 3, totalMs: 2 }),
      logEntry({ time: T0 + 2, totalMs: 3 }),
      logEntry({ time: T0 + 3, totalMs: 4 }),
      logEntry({ time: T0, totalMs: 5 }),
    ]);
    const first = store.list({ page: 1, pageSize: 2 });
    expect(first.items.map((i) => i.totalMs)).toEqual([4, 2]);
    expect(first.total).toBe(5);
    expect(store.list({ page: 2, pageSize: 2 }).items.map((i) => i.totalMs)).toEqual([3, 1]);
    expect(store.list({ page: 3, pageSize: 2 }).items.map((i) => i.totalMs)).toEqual([5]);
    expect(store.list({ page: 4, pageSize: 2 })).toEqual({ items: [], total: 5, page: 4, pageSize: 2 });
  });

  it('filters by model, key and since', () => {
    store.insertMany([
      logEntry({ time: T0, model: 'a', keyId: 1 }),
      logEntry({ time: T0 + 10, model: 'b', keyId: 2 }),
      logEntry({ time: T0 + 20, model: 'a', keyId: 2 }),
    ]);
    expect(store.list({ page: 1, pageSize: 10, model: 'a' }).total).toBe(2);
    expect(store.list({ page: 1, pageSize: 10, keyId: 2 }).items.map((i) => i.model)).toEqual(['a', 'b']);
    expect(store.list({ page: 1, pageSize: 10, since: T0 + 10 }).total).toBe(2);
    const combined = store.list({ page: 1, pageSize: 10, model: 'a', keyId: 2, since: T0 + 1 });
    expect(combined.items.map((i) => i.time)).toEqual([new Date(T0 + 20).toISOString()]);
  });

  it('filters by exact status and by class; error means any status from 400 up', () => {
    store.insertMany([200, 201, 299, 301, 400, 429, 499, 500, 503].map((status, i) => logEntry({ status, time: T0 + i })));
    const by = (status: Parameters<RequestLogStore['list']>[0]['status']) => statuses(store.list({ page: 1, pageSize: 50, status }).items);
    expect(by(429)).toEqual([429]);
    expect(by(404)).toEqual([]);
    expect(by('2xx')).toEqual([299, 201, 200]);
    expect(by('4xx')).toEqual([499, 429, 400]);
    expect(by('5xx')).toEqual([503, 500]);
    expect(by('error')).toEqual([503, 500, 499, 429, 400]);
  });
});

describe('RequestLogStore.summary', () => {
  it('counts requests and successes since the cut-off, with the rate to 4 decimals and token sums', () => {
    store.insertMany([
      logEntry({ time: T0 - 1, status: 500, promptTokens: 1000 }), // before the window
      logEntry({ time: T0, status: 200 }),
      logEntry({ time: T0 + 1, status: 200, promptTokens: 5, completionTokens: null, totalTokens: 5 }),
      logEntry({ time: T0 + 2, status: 429, promptTokens: null, completionTokens: null, totalTokens: null }),
    ]);
    expect(store.summary(T0)).toEqual({
      requests: 3,
      succeeded: 2,
      successRate: 0.6667,
      promptTokens: 15,
      completionTokens: 20,
      totalTokens: 35,
    });
  });

  it('gives a null rate and zero sums when there were no requests', () => {
    store.insertMany([logEntry({ time: T0 })]);
    expect(store.summary(T0 + 1)).toEqual({
      requests: 0,
      succeeded: 0,
      successRate: null,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
    });
  });
});

describe('RequestLogStore.deleteOlderThan', () => {
  it('deletes only rows older than the cut-off and says how many', () => {
    store.insertMany([logEntry({ time: T0 - 2 }), logEntry({ time: T0 - 1 }), logEntry({ time: T0 }), logEntry({ time: T0 + 1 })]);
    expect(store.deleteOlderThan(T0)).toBe(2);
    expect(store.list({ page: 1, pageSize: 10 }).items.map((i) => i.time)).toEqual([T0 + 1, T0].map((t) => new Date(t).toISOString()));
    expect(store.deleteOlderThan(T0)).toBe(0);
  });
});
