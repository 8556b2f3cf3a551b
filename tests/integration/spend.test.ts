import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskKey } from '../../src/crypto/key-cipher.js';
import { bucketStart, DAY_MS, localDate } from '../../src/stats/local-time.js';
import { anchorKey, logSpend, nano, POOL_SEEDS, seedPool } from '../helpers/spend-fixtures.js';
import { fakeKey, signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Admin;
let ids: number[];
beforeEach(async () => {
  t = await startTestApp();
  ids = t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n')).addedIds;
  admin = await signIn(t.app);
});
afterEach(() => t.close());

const spend = (query: string) => admin.agent.get(`/admin/api/spend${query}`);
const at = (iso: string) => Date.parse(iso);
const NO_UNPRICED = { requests: 0, inputTokens: 0, outputTokens: 0 };

describe('GET /admin/api/spend', () => {
  beforeEach(() => {
    logSpend(t.ctx.db, [
      // The last moment of 1 March in China, and the first of 2 March (UTC+8).
      { time: at('2026-03-01T15:59:59.999Z'), keyId: ids[0], cost: nano('1.26') },
      { time: at('2026-03-01T16:00:00.000Z'), keyId: ids[0], cost: 1, gift: 0, paid: 1 },
      // Charged while the key's gift credit was unknown: which credit paid it cannot be told.
      { time: at('2026-03-01T00:00:00.000Z'), keyId: ids[1], cost: nano('2'), gift: null, paid: null },
      // No price: counted as unpriced with its tokens, never as ¥0.
      { time: at('2026-03-02T01:00:00.000Z'), keyId: ids[1], cost: null, promptTokens: 100, completionTokens: 50 },
      // A refused request without a cost is not unpriced usage: SiliconFlow bills no failure.
      { time: at('2026-03-02T02:00:00.000Z'), cost: null, status: 503, keyId: null, promptTokens: null, completionTokens: null },
    ]);
  });

  it('sums exact yuan per China day: the day starts at the China midnight', async () => {
    const res = await spend('?from=2026-03-01&to=2026-03-02&groupBy=day');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-02-28T16:00:00.000Z',
      to: '2026-03-02T16:00:00.000Z',
      groupBy: 'day',
      tzOffsetMinutes: 480,
    });
    expect(res.body.rows).toEqual([
      {
        group: '2026-03-01',
        start: '2026-02-28T16:00:00.000Z',
        kind: 'estimated',
        requests: 2,
        inputTokens: 20,
        outputTokens: 40,
        cost: '3.26',
        gift: '1.26',
        paid: '0',
        unknownCredit: '2',
        unpriced: NO_UNPRICED,
      },
      {
        group: '2026-03-02',
        start: '2026-03-01T16:00:00.000Z',
        kind: 'estimated',
        requests: 3,
        inputTokens: 110,
        outputTokens: 70,
        cost: '0.000000001',
        gift: '0',
        paid: '0.000000001',
        unknownCredit: '0',
        unpriced: { requests: 1, inputTokens: 100, outputTokens: 50 },
      },
    ]);
    expect(res.body.totals).toEqual({
      kind: 'estimated',
      requests: 5,
      inputTokens: 130,
      outputTokens: 110,
      cost: '3.260000001',
      gift: '1.26',
      paid: '0.000000001',
      unknownCredit: '2',
      unpriced: { requests: 1, inputTokens: 100, outputTokens: 50 },
    });
  });

  it('follows the offset it is given: in UTC the first three requests share 1 March', async () => {
    const res = await spend('?from=2026-03-01&to=2026-03-02&groupBy=day&tzOffsetMinutes=0');
    expect(res.body.rows.map((r: { group: string; requests: number; cost: string }) => [r.group, r.requests, r.cost])).toEqual([
      ['2026-03-01', 3, '3.260000001'],
      ['2026-03-02', 2, '0'],
    ]);
    // Every request there is unpriced: that day's spend is unknown, not ¥0.
    const onlyUnpriced = await spend('?from=2026-03-02T00:30:00Z&to=2026-03-02T01:30:00Z&groupBy=hour&tzOffsetMinutes=0');
    expect(onlyUnpriced.body.totals).toMatchObject({ kind: 'unknown', cost: '0', unpriced: { requests: 1 } });
  });

  it('groups by local hour, empty hours included, in an offset with half hours', async () => {
    logSpend(t.ctx.db, [
      { time: at('2026-03-05T10:29:59.999Z'), keyId: ids[0], cost: nano('0.5') },
      { time: at('2026-03-05T10:30:00.000Z'), keyId: ids[0], cost: nano('0.25') },
    ]);
    const res = await spend('?from=2026-03-05T09:30:00Z&to=2026-03-05T12:30:00Z&groupBy=hour&tzOffsetMinutes=330');
    expect(res.body.rows.map((r: { group: string; start: string; cost: string }) => [r.group, r.start, r.cost])).toEqual([
      ['2026-03-05 15:00', '2026-03-05T09:30:00.000Z', '0.5'],
      ['2026-03-05 16:00', '2026-03-05T10:30:00.000Z', '0.25'],
      ['2026-03-05 17:00', '2026-03-05T11:30:00.000Z', '0'],
    ]);
  });

  it('groups by model and by key, biggest cost first, and filters by model and key', async () => {
    logSpend(t.ctx.db, [
      { time: at('2026-03-10T01:00:00Z'), model: 'deepseek-ai/DeepSeek-V3', keyId: ids[0], cost: nano('1') },
      { time: at('2026-03-10T02:00:00Z'), model: 'Pro/deepseek-ai/DeepSeek-R1', keyId: ids[1], cost: nano('3'), gift: 0, paid: nano('3') },
      {
        time: at('2026-03-10T03:00:00Z'),
        model: 'Pro/deepseek-ai/DeepSeek-R1',
        keyId: ids[2],
        cost: nano('0.5'),
        gift: 0,
        paid: nano('0.5'),
      },
    ]);
    t.ctx.keys.delete(ids[2]!);
    const range = '?from=2026-03-10&to=2026-03-10';
    const byModel = await spend(`${range}&groupBy=model`);
    expect(
      byModel.body.rows.map((r: { group: string; requests: number; cost: string; paid: string }) => [r.group, r.requests, r.cost, r.paid]),
    ).toEqual([
      ['Pro/deepseek-ai/DeepSeek-R1', 2, '3.5', '3.5'],
      ['deepseek-ai/DeepSeek-V3', 1, '1', '0'],
    ]);
    const byKey = await spend(`${range}&groupBy=key`);
    expect(byKey.body.rows.map((r: { group: number; maskedKey: string | null; cost: string }) => [r.group, r.maskedKey, r.cost])).toEqual([
      [ids[1], maskKey(fakeKey(2)), '3'],
      [ids[0], maskKey(fakeKey(1)), '1'],
      [ids[2], null, '0.5'], // deleted since: its spend stays, its masked form is gone
    ]);
    const oneModel = await spend(`${range}&groupBy=key&model=${encodeURIComponent('Pro/deepseek-ai/DeepSeek-R1')}`);
    expect(oneModel.body.rows.map((r: { group: number }) => r.group)).toEqual([ids[1], ids[2]]);
    expect(oneModel.body.totals.cost).toBe('3.5');
    const oneKey = await spend(`${range}&groupBy=model&keyId=${ids[0]}`);
    expect(oneKey.body.rows.map((r: { group: string }) => r.group)).toEqual(['deepseek-ai/DeepSeek-V3']);
    expect(byKey.text).not.toContain(fakeKey(2).slice(3, 20));
  });

  it('downloads the same figures as CSV for accounting, one line per group, text a spreadsheet would run escaped', async () => {
    logSpend(t.ctx.db, [{ time: at('2026-03-01T03:00:00Z'), model: '=HYPERLINK("x"),1', keyId: ids[0], cost: null }]);
    const res = await spend('?from=2026-03-01&to=2026-03-02&groupBy=model&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=siliconflow-spend-2026-02-28-2026-03-02-by-model.csv');
    expect(res.text.split('\r\n')).toEqual([
      'model,requests,input_tokens,output_tokens,cost_yuan,gift_yuan,paid_yuan,unknown_credit_yuan,unpriced_requests,unpriced_input_tokens,unpriced_output_tokens,kind',
      'Qwen/Qwen3-8B,5,130,110,3.260000001,1.26,0.000000001,2,1,100,50,estimated',
      `"'=HYPERLINK(""x""),1",1,10,20,0,0,0,0,1,10,20,unknown`,
      '',
    ]);
    const byDay = await spend('?from=2026-03-01&to=2026-03-02&format=csv');
    expect(byDay.text.split('\r\n').slice(0, 2)).toEqual([
      'day,start_utc,requests,input_tokens,output_tokens,cost_yuan,gift_yuan,paid_yuan,unknown_credit_yuan,unpriced_requests,unpriced_input_tokens,unpriced_output_tokens,kind',
      '2026-03-01,2026-02-28T16:00:00.000Z,3,30,60,3.26,1.26,0,2,1,10,20,estimated',
    ]);
  });

  it('takes ms since the epoch, and defaults to the last 30 days by China day', async () => {
    const from = at('2026-03-01T00:00:00Z');
    const res = await spend(`?from=${from}&to=${from + DAY_MS}&groupBy=model`);
    expect(res.body.totals.requests).toBe(3);
    const recent = Date.now() - 1000;
    logSpend(t.ctx.db, [{ time: recent, keyId: ids[0], cost: nano('0.1') }]);
    const defaults = await spend('');
    expect(defaults.body.groupBy).toBe('day');
    expect(defaults.body.rows.length).toBeGreaterThanOrEqual(30);
    expect(defaults.body.rows.at(-1)).toMatchObject({ group: localDate(recent, 480), cost: '0.1' });
    expect(defaults.body.totals.requests).toBe(1);
  });

  it.each([
    ['?groupBy=week', 'groupBy'],
    ['?from=yesterday', 'from'],
    ['?from=2026-02-30', 'from'],
    ['?from=2026-03-01T08:00:00', 'from'], // a time without its zone
    ['?from=2026-03-02&to=2026-03-01', 'to'],
    ['?from=2026-03-01T08:00:00Z&to=2026-03-01T08:00:00Z', 'to'],
    ['?tzOffsetMinutes=900', 'tzOffsetMinutes'],
    ['?tzOffsetMinutes=8.5', 'tzOffsetMinutes'],
    ['?keyId=0', 'keyId'],
    ['?format=xlsx', 'format'],
    ['?from=2024-01-01&to=2026-03-01&groupBy=hour', 'from'],
  ])('refuses %s with 400 invalid-request naming %s', async (query, field) => {
    const res = await spend(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid-request');
    expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
  });

  it('is for the signed-in admin only', async () => {
    for (const path of ['/admin/api/spend', '/admin/api/spend/summary']) {
      const res = await request(t.app).get(path);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('not-signed-in');
    }
  });
});

describe('GET /admin/api/spend/summary', () => {
  it('splits today, 7 and 30 China calendar days, and charts the days by model', async () => {
    const today = bucketStart(Date.now(), DAY_MS, 480);
    logSpend(t.ctx.db, [
      { time: today, model: 'A', keyId: ids[0], cost: nano('1') },
      { time: today - 1, model: 'A', keyId: ids[0], cost: nano('2'), gift: 0, paid: nano('2') },
      { time: today - 6 * DAY_MS, model: 'B', keyId: ids[1], cost: nano('4') },
      { time: today - 6 * DAY_MS - 1, model: 'B', keyId: ids[1], cost: nano('8') },
      { time: today - 29 * DAY_MS, model: 'C', keyId: ids[1], cost: nano('16') },
      { time: today - 29 * DAY_MS - 1, model: 'C', keyId: ids[1], cost: nano('32') }, // 31 days ago: out
      { time: today, model: 'D', keyId: ids[2], cost: null },
    ]);
    const res = await admin.agent.get('/admin/api/spend/summary');
    expect(res.status).toBe(200);
    const { today: day, last7Days, last30Days } = res.body.spend;
    expect([day.cost, day.gift, day.paid, day.from]).toEqual(['1', '1', '0', new Date(today).toISOString()]);
    expect(day.unpriced.requests).toBe(1);
    expect([last7Days.cost, last7Days.gift, last7Days.paid]).toEqual(['7', '5', '2']);
    expect([last30Days.cost, last30Days.requests, last30Days.kind]).toEqual(['31', 6, 'estimated']);

    const { daily } = res.body;
    expect(daily.days).toHaveLength(30);
    expect([daily.days[0], daily.days[29]]).toEqual([localDate(today - 29 * DAY_MS, 480), localDate(today, 480)]);
    expect(daily.models.map((m: { model: string }) => m.model)).toEqual(['C', 'B', 'A']);
    const C = daily.models[0].cost;
    expect([C[0], C.slice(1).every((c: string) => c === '0')]).toEqual(['16', true]);
    expect(daily.models[1].cost.slice(22, 24)).toEqual(['8', '4']);
    expect(daily.models[2].cost.slice(28)).toEqual(['2', '1']);
    expect(daily.unpricedRequests[29]).toBe(1);

    expect(res.body.topModels.map((m: { group: string; cost: string }) => [m.group, m.cost])).toEqual([
      ['C', '16'],
      ['B', '12'],
      ['A', '3'],
      ['D', '0'],
    ]);
    expect(res.body.topKeys.map((k: { group: number; maskedKey: string; cost: string }) => [k.group, k.maskedKey, k.cost])).toEqual([
      [ids[1], maskKey(fakeKey(2)), '28'],
      [ids[0], maskKey(fakeKey(1)), '3'],
      [ids[2], maskKey(fakeKey(3)), '0'],
    ]);
  });

  it('charts the five models that cost most and sums the rest as other', async () => {
    const now = Date.now();
    logSpend(
      t.ctx.db,
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ time: now - 1000, model: `m${n}`, keyId: ids[0], cost: nano(String(n)) })),
    );
    const { daily } = (await admin.agent.get('/admin/api/spend/summary')).body;
    expect(daily.models.map((m: { model: string }) => m.model)).toEqual(['m7', 'm6', 'm5', 'm4', 'm3']);
    expect(daily.other.at(-1)).toBe('3');
  });
});

describe('the pool balance, burn rate and runway', () => {
  beforeEach(() => {
    t.ctx.keys.bulk('delete', ids); // the pool here is seedPool's alone
    ids = seedPool(t);
  });

  it('sums each credit over the enabled, valid keys where it is known, and lasts as long as the known keys spend it', async () => {
    const res = await admin.agent.get('/admin/api/spend/summary');
    expect(res.body.balance).toEqual({
      gift: { yuan: '12', kind: 'estimated', keys: 2 },
      paid: { yuan: '5', kind: 'estimated', keys: 2 },
      total: { yuan: '17', kind: 'estimated', keys: 2 },
      keys: { counted: 3, exact: 1, estimated: 1, unknown: 1 },
    });
    // Gift: ¥12 ÷ (¥2.40 / 24 h) = 120 h; paid: ¥5 ÷ (¥0.48 / 24 h) = 250 h.
    expect(res.body.runway.gift).toMatchObject({ kind: 'estimated', hours: 120, days: 5, perHour: '0.1' });
    expect(res.body.runway.paid).toMatchObject({ kind: 'estimated', hours: 250, days: 10.4, perHour: '0.02' });
    expect(Date.parse(res.body.runway.gift.at) - Date.now()).toBeGreaterThan(119 * 60 * 60 * 1000);
    // The burn rate is the whole pool's, unknown credit and disabled keys included.
    expect(res.body.burn).toMatchObject({
      kind: 'estimated',
      perHour: { cost: '0.37', gift: '0.141666667', paid: '0.02', unknownCredit: '0.208333333' },
    });
  });

  it('lists the keys that run out first: at the last 24 h rate, or the 7-day one for a key idle since', async () => {
    const { runningOut } = (await admin.agent.get('/admin/api/spend/summary')).body;
    expect(runningOut).toEqual([
      expect.objectContaining({
        keyId: ids[0],
        maskedKey: maskKey(fakeKey(POOL_SEEDS[0]!)),
        balance: expect.objectContaining({ yuan: '15', kind: 'estimated', source: 'admin' }),
        perHour: '0.12',
        basis: '24h',
        hours: 125,
      }),
      expect.objectContaining({
        keyId: ids[1],
        balance: expect.objectContaining({ yuan: '2', kind: 'exact', source: 'user-info' }),
        perHour: '0.01',
        basis: '7d',
        hours: 200,
      }),
    ]);
    expect(runningOut[1].date).toBe(localDate(Date.parse(runningOut[1].at), 480));
  });
});

describe('the runway when nothing is spent or nothing is known', () => {
  it('is unknown, not a number of days, with the reason', async () => {
    let summary = (await admin.agent.get('/admin/api/spend/summary')).body;
    expect(summary.runway.gift).toEqual({ kind: 'unknown', hours: null, days: null, at: null, perHour: null, reason: 'no-balance' });
    expect(summary.balance.total).toEqual({ yuan: null, kind: 'unknown', keys: 0 });
    expect(summary.runningOut).toEqual([]);

    anchorKey(t.ctx.db, ids[0]!, { gift: nano('14'), paid: 0, source: 'import' });
    summary = (await admin.agent.get('/admin/api/spend/summary')).body;
    expect(summary.runway.gift).toMatchObject({ kind: 'unknown', hours: null, reason: 'no-spend', perHour: '0' });
    expect(summary.spend.today).toMatchObject({ kind: 'exact', cost: '0', requests: 0 });
  });
});
