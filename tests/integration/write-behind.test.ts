/**
 * Issue 15, idle cost: the write-behinds (request logs, what the pool learned of its keys, client
 * keys' usage, accounts cooling) arm their timer when something waits, instead of ticking forever.
 * Over real sockets, with real timers and no flush() from the test: what a request changed still
 * reaches the database on its own, after a first write emptied every buffer as well
 * (tests/unit/write-behind-timers.test.ts counts the timers themselves).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

let p: Proxy;
afterEach(() => p?.close());

/** Polls until `check` holds; the write-behinds wait about a second, so 3 s is plenty. */
async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the request left in the database, read without flushing. */
function stored(proxy: Proxy) {
  const one = (sql: string) => proxy.ctx.db.prepare(sql).pluck().get() as number;
  return {
    logs: one('SELECT COUNT(*) FROM request_logs'),
    uses: one(`SELECT usage_count FROM keys WHERE id = ${proxy.ids[0]!}`),
    clientRequests: one('SELECT requests_total FROM clients WHERE id = 0'),
  };
}

describe('write-behind on demand', () => {
  it("a request's log, key use and client usage reach the database by themselves, for the first request and for one after it", async () => {
    p = await startProxy([[fakeKey(1), {}]]);
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    await until(() => stored(p).logs === 1 && stored(p).uses === 1 && stored(p).clientRequests === 1, 'the first request written');
    // Everything was written: each buffer is empty, and the next request must arm its timer again.
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    await until(() => stored(p).logs === 2 && stored(p).uses === 2 && stored(p).clientRequests === 2, 'the second request written');
  });

  it('a 429 cooling is written by itself, and its row deleted by itself once it is over', async () => {
    p = await startProxy(
      [
        [fakeKey(1), { account: 'acct-x' }],
        [fakeKey(2), {}],
      ],
      { env: { KEY_STRATEGY: 'round-robin', COOLDOWN_SECONDS: '2' } },
    );
    // A 429 that names no limit: key 1's account cools for COOLDOWN_SECONDS (written a second later), key 2 answers.
    p.fake.limitAccount('acct-x', 'deepseek-ai/DeepSeek-V3', 'too many requests');
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    const rows = () => p.ctx.db.prepare('SELECT COUNT(*) FROM account_cooling').pluck().get() as number;
    await until(() => rows() === 1, 'the cooling written');
    await until(() => rows() === 0, 'the ended cooling deleted');
  });
});
