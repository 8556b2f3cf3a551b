/**
 * Every change of a key's public status is kept once, with its reason and who made it (issue 13):
 * the proxy's verdicts (written behind by PoolSync), checks, and the admin's switches and balances.
 * Read over HTTP: GET /admin/api/keys/:id/events, newest first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { signIn, type Admin } from '../helpers/test-app.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';

let p: Proxy;
let admin: Admin;
afterEach(() => p?.close());

async function setup(keys: [string, Partial<FakeKeyState>][], env?: Record<string, string>) {
  p = await startProxy(keys, { env });
  admin = await signIn(p.app);
  return p.ids;
}

const events = async (id: number, query = '') => {
  p.ctx.flush();
  const res = await admin.agent.get(`/admin/api/keys/${id}/events${query}`);
  expect(res.status).toBe(200);
  return res.body.items as { id: number; at: string; from: string; to: string; reason: string; source: string }[];
};
const send = (method: 'post' | 'patch' | 'put' | 'delete', path: string, body?: object) =>
  admin.agent[method](`/admin/api${path}`).set('X-CSRF-Token', admin.csrf).send(body);
const stored = () => (p.ctx.db.prepare('SELECT COUNT(*) AS n FROM key_events').get() as { n: number }).n;

describe('key events: the admin', () => {
  it('disable and enable are recorded once each, newest first; a switch that changes nothing is not', async () => {
    const [id] = await setup([[fakeKey(1), {}]]);
    expect((await send('patch', `/keys/${id}`, { enabled: false })).status).toBe(200);
    await send('patch', `/keys/${id}`, { enabled: false });
    await send('post', '/keys/bulk', { action: 'enable', ids: [id] });
    await send('patch', `/keys/${id}`, { note: 'only a note' });
    expect(await events(id!)).toEqual([
      { id: expect.any(Number), at: expect.any(String), from: 'disabled', to: 'active', reason: 'enabled by the admin', source: 'admin' },
      { id: expect.any(Number), at: expect.any(String), from: 'active', to: 'disabled', reason: 'disabled by the admin', source: 'admin' },
    ]);
    expect(stored()).toBe(2);
  });

  it('a top-up revives an exhausted key (one event); a top-up of an active key records nothing', async () => {
    const [dry, rich] = await setup([
      [fakeKey(1), { behavior: 'exhausted', balance: '0.00' }],
      [fakeKey(2), {}],
    ]);
    await send('post', `/keys/${dry}/check`);
    await send('post', '/keys/bulk', { action: 'top-up', ids: [dry, rich], amount: '10' });
    expect((await events(dry!)).map((e) => [e.from, e.to, e.source, e.reason])).toEqual([
      ['exhausted', 'active', 'admin', 'top-up recorded by the admin'],
      ['active', 'exhausted', 'check', 'the check found no money left'],
    ]);
    expect(await events(rich!)).toEqual([]);
  });

  it('a balance set with money revives an exhausted key', async () => {
    const [id] = await setup([[fakeKey(1), { behavior: 'exhausted', balance: '0.00' }]]);
    await send('post', `/keys/${id}/check`);
    expect((await send('put', `/keys/${id}/balance`, { gift: '5' })).body.status).toBe('active');
    expect((await events(id!))[0]).toMatchObject({ from: 'exhausted', to: 'active', source: 'admin', reason: 'balance set (admin)' });
  });

  it('a deleted key takes its history with it (its id may be given to the next key)', async () => {
    const [id] = await setup([[fakeKey(1), {}]]);
    await send('patch', `/keys/${id}`, { enabled: false });
    expect(stored()).toBe(1);
    expect((await send('delete', `/keys/${id}`)).status).toBe(204);
    expect(stored()).toBe(0);
    const res = await admin.agent.get(`/admin/api/keys/${id}/events`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('key-not-found');
  });
});

describe('key events: checks and the proxy', () => {
  it('a check that finds a key invalid records the reason, source check', async () => {
    const [id] = await setup([[fakeKey(1), { behavior: 'invalid' }]]);
    await send('post', `/keys/${id}/check`);
    expect(await events(id!)).toEqual([
      expect.objectContaining({ from: 'active', to: 'invalid', source: 'check', reason: expect.stringMatching(/HTTP 401 \(code 30014\)/) }),
    ]);
  });

  it("the proxy's verdicts are written behind: invalid on a 401, with the answer as the reason", async () => {
    const [bad] = await setup([
      [fakeKey(1), { behavior: 'invalid' }],
      [fakeKey(2), {}],
    ]);
    const res = await p.call('/v1/chat/completions', { json: chat() });
    expect(res.status).toBe(200);
    expect(await events(bad!)).toEqual([
      expect.objectContaining({ from: 'active', to: 'invalid', source: 'proxy', reason: expect.stringMatching(/401/) }),
    ]);
  });

  it('error after failures in a row, then active again when the key serves (source proxy, each once)', async () => {
    const [id] = await setup([[fakeKey(1), { behavior: 'server-error' }]], { ERROR_AFTER_FAILURES: '2', MAX_KEY_TRIES: '1' });
    for (let i = 0; i < 3; i++) await p.call('/v1/chat/completions', { json: chat() });
    // Written behind: what is kept is each key's status at every save (PoolSync's tick, here forced).
    expect(p.row(id!).status).toBe('error');
    p.fake.setKey(fakeKey(1), { behavior: 'ok' });
    expect((await p.call('/v1/chat/completions', { json: chat() })).status).toBe(200);
    expect((await events(id!)).map((e) => [e.from, e.to, e.source])).toEqual([
      ['error', 'active', 'proxy'],
      ['active', 'error', 'proxy'],
    ]);
    expect((await events(id!))[0]!.reason).toBe('served a request again');
  });

  it('an overloaded check records nothing: it could not tell', async () => {
    const [id] = await setup([[fakeKey(1), { behavior: 'overloaded' }]]);
    expect((await send('post', `/keys/${id}/check`)).body.status).toBe('active');
    expect(await events(id!)).toEqual([]);
  });
});

describe('GET /admin/api/keys/:id/events', () => {
  it('pages with limit and before (the id of the last event shown)', async () => {
    const [id] = await setup([[fakeKey(1), {}]]);
    for (let i = 0; i < 5; i++) await send('patch', `/keys/${id}`, { enabled: i % 2 === 1 });
    const all = await events(id!);
    expect(all).toHaveLength(5);
    const first = await events(id!, '?limit=2');
    expect(first).toEqual(all.slice(0, 2));
    expect(await events(id!, `?limit=2&before=${first[1]!.id}`)).toEqual(all.slice(2, 4));
  });

  it('an unknown key is 404 key-not-found; a bad limit is 400', async () => {
    await setup([[fakeKey(1), {}]]);
    const missing = await admin.agent.get('/admin/api/keys/999/events');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('key-not-found');
    const bad = await admin.agent.get('/admin/api/keys/1/events?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toEqual(expect.any(String));
  });
});
