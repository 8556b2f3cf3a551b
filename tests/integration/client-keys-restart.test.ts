import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLIENT_FLUSH_INTERVAL_MS } from '../../src/clients/client-sync.js';
import { DATABASE_FILE } from '../../src/db/database.js';
import { startFakeSiliconFlow } from '../support/fake-siliconflow/index.js';
import { chat, fakeKey } from '../helpers/proxy-harness.js';
import { startServer, tempDir } from '../helpers/processes.js';
import { seedClientKey } from '../helpers/test-app.js';

/**
 * Issue 12: a client key's counters live in memory and are written behind, so a restart must never
 * silently reset a budget — a graceful stop writes everything, a kill -9 loses at most the last
 * flush interval. Real server processes on one data folder, in front of a fake in this process.
 */
async function setup() {
  const fake = await startFakeSiliconFlow({ keys: { [fakeKey(0)]: {} } });
  onTestFinished(() => fake.close());
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, SILICONFLOW_BASE_URL: fake.url };
  // A budget no request can stay under: the first one overshoots it, every later one is refused.
  const { key, id } = await seedClientKey(env, [fakeKey(0)], { name: 'restart', budgets: { day: null, month: null, total: 1 } });
  const start = async () => {
    const server = startServer({ ...env, LOG_LEVEL: 'warn' });
    const base = await server.started();
    const call = () =>
      fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat()),
      });
    return { server, call };
  };
  const usage = () => {
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare('SELECT spent_total, requests_total FROM clients WHERE id = ?').get(id) as {
        spent_total: number;
        requests_total: number;
      };
    } finally {
      db.close();
    }
  };
  return { start, usage };
}

describe('client key counters survive a restart', () => {
  it('graceful stop (SIGTERM) right after a request: its spend is written, the budget still refuses', async () => {
    const s = await setup();
    const first = await s.start();
    expect((await first.call()).status).toBe(200);
    first.server.child.kill('SIGTERM');
    await first.server.exited;
    expect(s.usage()).toMatchObject({ requests_total: 1 });
    expect(s.usage().spent_total).toBeGreaterThan(1);
    const second = await s.start();
    const refused = await second.call();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: number }).code).toBe(42901);
  });

  it('kill -9 after the flush interval: the spend was written, the budget still refuses', async () => {
    const s = await setup();
    const first = await s.start();
    expect((await first.call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, CLIENT_FLUSH_INTERVAL_MS * 2));
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    expect(s.usage().spent_total).toBeGreaterThan(1);
    const second = await s.start();
    expect((await second.call()).status).toBe(429);
  });
});
