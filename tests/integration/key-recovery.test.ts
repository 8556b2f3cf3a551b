/**
 * Every state but "disabled by the admin" has a way back (issue 13): `error` keys are re-checked at
 * growing intervals, `exhausted` keys probed on a schedule, `invalid` keys re-checked once a day for
 * a week and then left alone. The fake SiliconFlow changes each key's behaviour (setKey) and the
 * clock is Date's, faked: no sleeping. The recovery's steps are run with runDue(), as its timer does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let t: TestApp;
let admin: Admin;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(async () => {
  t?.ctx.recovery.stop();
  await t?.close();
  vi.useRealTimers();
});

/** The keys in the fake and in the pool, each checked once at T0 so it has its status. */
async function setup(keys: Record<string, Partial<FakeKeyState>>, env?: Record<string, string>) {
  t = await startTestApp({ keys, env });
  admin = await signIn(t.app);
  const { addedIds } = t.ctx.keys.import(Object.keys(keys).join('\n'));
  for (const id of addedIds) await admin.agent.post(`/admin/api/keys/${id}/check`).set('X-CSRF-Token', admin.csrf);
  t.fake.clearRequests();
  return addedIds;
}

/** Moves the clock to T0 + ms and runs what is due; returns the upstream calls it made. */
async function at(ms: number) {
  vi.setSystemTime(T0 + ms);
  t.fake.clearRequests();
  await t.ctx.recovery.runDue();
  return t.fake.requests.map((r) => r.path);
}
/** The admin API after the clock moved on: a session of days ago has expired, so sign in again. */
async function get(path: string) {
  admin = await signIn(t.app);
  const res = await admin.agent.get(`/admin/api${path}`);
  expect(res.status).toBe(200);
  return res.body;
}
const status = async (id: number) => (await get(`/keys/${id}`)).status as string;
const events = async (id: number) =>
  (await get(`/keys/${id}/events`)).items as { from: string; to: string; reason: string; source: string }[];

describe('error keys: re-checked after 1, 2, 4 … minutes, until one succeeds', () => {
  it('waits longer after each failed retry, and a success makes the key active (one recovery event)', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'server-error' } });
    expect(await status(id!)).toBe('error');
    expect(await at(59_000)).toEqual([]);
    expect(await at(1 * MINUTE)).toEqual(['/v1/user/info']); // 1st retry, still failing: next in 2 min
    expect(await at(2 * MINUTE + 59_000)).toEqual([]);
    expect(await at(3 * MINUTE)).toEqual(['/v1/user/info']); // 2nd: next in 4 min
    expect(await at(6 * MINUTE)).toEqual([]);
    t.fake.setKey(fakeKey(1), { behavior: 'ok', balance: '3.00' });
    expect(await at(7 * MINUTE)).toEqual(['/v1/user/info']);
    expect(await status(id!)).toBe('active');
    expect((await events(id!))[0]).toMatchObject({ from: 'error', to: 'active', source: 'recovery' });
    expect(await at(DAY)).toEqual([]);
  });

  it('never waits longer than ERROR_RETRY_MAX_MINUTES', async () => {
    await setup({ [fakeKey(1)]: { behavior: 'server-error' } }, { ERROR_RETRY_MAX_MINUTES: '2' });
    expect(await at(1 * MINUTE)).toHaveLength(1);
    expect(await at(3 * MINUTE)).toHaveLength(1);
    expect(await at(5 * MINUTE)).toHaveLength(1);
    expect(await at(7 * MINUTE)).toHaveLength(1);
  });

  it('a retry that meets the overload (50505) keeps the key in error, and it waits the next interval', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'server-error' } });
    t.fake.setKey(fakeKey(1), { behavior: 'overloaded' });
    expect(await at(1 * MINUTE)).toHaveLength(1);
    expect(await status(id!)).toBe('error');
    expect(await at(2 * MINUTE)).toEqual([]);
    expect(await at(3 * MINUTE)).toHaveLength(1);
  });

  it('never runs two steps at once for one key', async () => {
    await setup({ [fakeKey(1)]: { behavior: 'server-error' } });
    t.fake.setKey(fakeKey(1), { behavior: 'server-error', delayMs: 100 });
    vi.setSystemTime(T0 + MINUTE);
    t.fake.clearRequests();
    await Promise.all([t.ctx.recovery.runDue(), t.ctx.recovery.runDue()]);
    expect(t.fake.requests).toHaveLength(1);
  });
});

describe('exhausted keys: probed every EXHAUSTED_PROBE_HOURS', () => {
  const dry = { behavior: 'ok', balance: '0.00', chargeBalance: '0.00' } as const;

  it('user/info while it answers; once it is retired, one chat completion of max_tokens 1 on the probe model', async () => {
    const [id] = await setup({ [fakeKey(1)]: dry });
    expect(await status(id!)).toBe('exhausted');
    // The scheduled refresh checks it meanwhile: that does not put the probe off.
    vi.setSystemTime(T0 + 12 * HOUR);
    await t.ctx.checks.refreshScheduled();
    expect(await at(23 * HOUR)).toEqual([]);
    expect(await at(24 * HOUR)).toEqual(['/v1/user/info']);
    expect(await status(id!)).toBe('exhausted');
    t.fake.setUserInfoMode('gone');
    expect(await at(48 * HOUR)).toEqual(['/v1/user/info', '/v1/chat/completions']);
    const probe = JSON.parse(t.fake.requests[1]!.body.toString());
    expect(probe).toMatchObject({ model: 'deepseek-ai/DeepSeek-V3', max_tokens: 1 });
    // 30001: still exhausted, and the next probe is a day later.
    expect(await status(id!)).toBe('exhausted');
    expect((await get(`/keys/${id}`)).lastError).toMatch(/30001/);
    t.fake.topUp(fakeKey(1), { paid: '10.00' });
    expect(await at(71 * HOUR)).toEqual([]);
    expect(await at(72 * HOUR)).toEqual(['/v1/user/info', '/v1/chat/completions']);
    expect(await status(id!)).toBe('active');
    expect((await events(id!))[0]).toMatchObject({
      from: 'exhausted',
      to: 'active',
      source: 'recovery',
      reason: 'the check found it usable',
    });
  });

  it('EXHAUSTED_PROBE_HOURS=0 turns the probe off', async () => {
    await setup({ [fakeKey(1)]: dry }, { EXHAUSTED_PROBE_HOURS: '0' });
    expect(await at(30 * DAY)).toEqual([]);
  });
});

describe('invalid keys: re-checked once a day for INVALID_RECHECK_DAYS, then left alone', () => {
  it('an invalid key after a bad hour upstream comes back on the next daily re-check', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'invalid' } });
    expect(await at(23 * HOUR)).toEqual([]);
    expect(await at(DAY)).toEqual(['/v1/user/info']);
    t.fake.setKey(fakeKey(1), { behavior: 'ok', balance: '5.00' });
    expect(await at(DAY + 23 * HOUR)).toEqual([]);
    expect(await at(2 * DAY)).toEqual(['/v1/user/info']);
    expect(await status(id!)).toBe('active');
    expect((await events(id!))[0]).toMatchObject({ from: 'invalid', to: 'active', source: 'recovery' });
  });

  it('after a week of daily re-checks the key is left alone, and its history says so once', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'invalid' } });
    for (let day = 1; day <= 7; day++) expect(await at(day * DAY)).toEqual(['/v1/user/info']);
    expect(await at(8 * DAY)).toEqual([]);
    expect(await at(30 * DAY)).toEqual([]);
    const history = await events(id!);
    expect(history.filter((e) => e.source === 'recovery')).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(String),
        from: 'invalid',
        to: 'invalid',
        source: 'recovery',
        reason: expect.stringMatching(/left alone/),
      },
    ]);
    expect(await status(id!)).toBe('invalid');
  });
});

describe('keys the admin disabled', () => {
  it('are never re-checked nor probed, whatever their status', async () => {
    const ids = await setup({
      [fakeKey(1)]: { behavior: 'server-error' },
      [fakeKey(2)]: { behavior: 'ok', balance: '0.00', chargeBalance: '0.00' },
      [fakeKey(3)]: { behavior: 'invalid' },
    });
    const off = await admin.agent.post('/admin/api/keys/bulk').set('X-CSRF-Token', admin.csrf).send({ action: 'disable', ids });
    expect(off.body.affected).toBe(3);
    for (const ms of [MINUTE, HOUR, DAY, 2 * DAY, 30 * DAY]) expect(await at(ms)).toEqual([]);
  });
});

describe('the timer', () => {
  it('started with the jobs, it runs a due key by itself (no call to runDue)', async () => {
    const [id] = await setup({ [fakeKey(1)]: { behavior: 'server-error' } });
    t.fake.setKey(fakeKey(1), { behavior: 'ok' });
    vi.setSystemTime(T0 + MINUTE);
    t.ctx.recovery.start();
    const deadline = performance.now() + 5000;
    while ((await status(id!)) !== 'active') {
      if (performance.now() > deadline) throw new Error('the recovery timer did not run');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
