import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { silentLogger } from '../../src/logger.js';
import { RequestLogStore } from '../../src/logs/request-log-store.js';
import type { RequestLogEntry } from '../../src/logs/request-log-types.js';
import { errorHandler } from '../../src/middleware/error-handler.js';
import { logsRoutes } from '../../src/routes/admin/logs.routes.js';
import { logEntry, signedInAsAdmin } from '../helpers/unit-fixtures.js';

const entry = (time: number, overrides: Partial<RequestLogEntry> = {}) => logEntry({ time, ...overrides });

let db: Db;
let store: RequestLogStore;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = new RequestLogStore(db);
});
afterEach(() => db.close());

function logsApp(options: { admin: boolean }) {
  const app = express();
  if (options.admin) app.use(signedInAsAdmin);
  app.use('/admin/api', logsRoutes(store));
  app.use(errorHandler(silentLogger));
  return app;
}

describe('GET /admin/api/logs', () => {
  it('lists the logged requests newest first for a signed-in admin, with defaults for paging', async () => {
    store.insertMany([entry(1000), entry(3000, { status: 502, errorClass: 'upstream-5xx' }), entry(2000)]);
    const res = await request(logsApp({ admin: true })).get('/admin/api/logs');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 50 });
    expect(res.body.items.map((i: { time: string }) => i.time)).toEqual([3000, 2000, 1000].map((t) => new Date(t).toISOString()));
  });

  it('applies the query filters and paging', async () => {
    store.insertMany([
      entry(1000, { model: 'a', keyId: 1 }),
      entry(2000, { model: 'a', keyId: 2, status: 429 }),
      entry(3000, { model: 'b', keyId: 2, status: 500 }),
      entry(4000, { model: 'a', keyId: 2, status: 503 }),
    ]);
    const app = logsApp({ admin: true });
    const res = await request(app).get('/admin/api/logs?model=a&status=error&keyId=2&page=2&pageSize=1');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((i: { status: number }) => i.status)).toEqual([429]);
    const exact = await request(app).get('/admin/api/logs?status=500');
    expect(exact.body.items.map((i: { model: string }) => i.model)).toEqual(['b']);
  });

  it('answers 400 invalid-request for a bad status or page size', async () => {
    const app = logsApp({ admin: true });
    for (const query of ['status=abc', 'status=99', 'status=600', 'pageSize=0', 'pageSize=501', 'page=0', 'keyId=-1']) {
      const res = await request(app).get(`/admin/api/logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid-request');
      expect(res.body.error.message).toMatch(new RegExp(`^${query.split('=')[0]}:`));
    }
  });

  it('answers 401 not-signed-in without an admin session', async () => {
    store.insertMany([entry(1000)]);
    const res = await request(logsApp({ admin: false })).get('/admin/api/logs');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('not-signed-in');
  });
});
