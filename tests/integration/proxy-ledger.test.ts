import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PriceText } from '../../src/ledger/price-table.js';
import { shippedPriceMap } from '../../src/ledger/shipped-prices.js';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

/**
 * Every /v1 request gets a cost from the usage its answer reported, on its log row and on the key's
 * estimate (issue 11). The figures here are the ledger's own arithmetic on the shipped prices (or
 * prices a test sets), checked to the nano-yuan in the database, over real sockets.
 */
let p: Proxy;
afterEach(async () => {
  vi.useRealTimers();
  await p?.close();
});

const Y = 1_000_000_000;
/** DeepSeek-V3 in the shipped table: ¥2 / ¥8 per million tokens = 2,000 / 8,000 n¥ per token. */
const V3 = 'deepseek-ai/DeepSeek-V3';
const v3Cost = (u: Usage) => u.prompt_tokens * 2_000 + u.completion_tokens * 8_000;

type Usage = { prompt_tokens: number; completion_tokens: number };
const keys = (...states: Partial<FakeKeyState>[]) => states.map((s, i) => [fakeKey(i), s] as [string, Partial<FakeKeyState>]);

/** Starts the proxy and anchors every key by a check (the fake's user/info answer: exact balances). */
async function anchoredProxy(states: Partial<FakeKeyState>[], env: Record<string, string> = {}) {
  p = await startProxy(keys(...states), { env });
  for (const id of p.ids) await p.ctx.checks.checkOne(id);
  return p;
}

/** Prices the admin sets over the shipped table. */
const pricing = (prices: Record<string, PriceText>) => {
  for (const [model, text] of Object.entries(prices)) p.ctx.prices.set(model, text);
};

function logRows() {
  p.ctx.flush();
  return p.ctx.db
    .prepare('SELECT key_id, model, status, cost_nano, gift_nano, paid_nano, prompt_tokens FROM request_logs ORDER BY id')
    .all() as {
    key_id: number;
    model: string;
    status: number;
    cost_nano: number | null;
    gift_nano: number | null;
    paid_nano: number | null;
    prompt_tokens: number | null;
  }[];
}

function money(id: number) {
  p.ctx.flush();
  return p.ctx.db
    .prepare(
      `SELECT status, anchor_gift_nano AS gift, anchor_paid_nano AS paid, anchor_source AS source, anchor_at AS at,
         spent_gift_nano AS spentGift, spent_paid_nano AS spentPaid, spent_unsplit_nano AS spentUnsplit,
         lacks_paid_at AS lacksPaidAt, paid_found_at AS paidFoundAt FROM keys WHERE id = ?`,
    )
    .get(id) as Record<string, number | string | null>;
}

const post = (path: string, json: unknown) => p.call(path, { json });

/** The usage on the last SSE chunk that carried one. */
function lastStreamUsage(text: string): Usage {
  const lines = text.split('\n').filter((l) => l.startsWith('data: {') && l.includes('"usage"'));
  return (JSON.parse(lines.at(-1)!.slice(6)) as { usage: Usage }).usage;
}

async function spendMetric(model: string, credit: string): Promise<number> {
  const text = await (await p.call('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`sfm_spend_yuan_total{model="${model}",credit="${credit}",client="default"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('every /v1 request gets a cost', () => {
  it('a key anchored at ¥14: chat calls, plain and streaming, cost what their usage says, to the nano-yuan', async () => {
    await anchoredProxy([{ balance: '14.00' }]);
    const costs: number[] = [];
    for (const content of ['hello', 'a somewhat longer question about the weather', 'x']) {
      const res = await post('/v1/chat/completions', chat(V3, { messages: [{ role: 'user', content }] }));
      costs.push(v3Cost(((await res.json()) as { usage: Usage }).usage));
    }
    for (const fake_chunks of [3, 12]) {
      const res = await post('/v1/chat/completions', chat(V3, { stream: true, fake_chunks }));
      costs.push(v3Cost(lastStreamUsage(await res.text())));
    }
    const rows = logRows();
    expect(rows.map((r) => [r.cost_nano, r.gift_nano, r.paid_nano])).toEqual(costs.map((c) => [c, c, 0]));
    const spent = costs.reduce((a, b) => a + b, 0);
    expect(money(p.ids[0]!)).toMatchObject({ gift: 14 * Y, paid: 0, source: 'user-info', spentGift: spent, spentPaid: 0, spentUnsplit: 0 });
    expect(p.ctx.keys.get(p.ids[0]!)).toMatchObject({ balanceKind: 'estimated', totalBalance: Math.round((14 * Y - spent) / 1e7) / 100 });
    expect(await spendMetric(V3, 'gift')).toBeCloseTo(spent / Y, 12);
  });

  it('Anthropic streaming: input tokens from message_start and output tokens from message_delta', async () => {
    await anchoredProxy([{}]);
    const res = await post('/v1/messages', {
      model: V3,
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'tell me something' }],
    });
    const text = await res.text();
    const event = (type: string) =>
      JSON.parse(
        text
          .split('\n')
          .find((l) => l.startsWith('data: ') && l.includes(`"type":"${type}"`))!
          .slice(6),
      );
    const input = event('message_start').message.usage.input_tokens as number;
    const output = event('message_delta').usage.output_tokens as number;
    expect(input).toBeGreaterThan(0);
    expect(logRows()[0]).toMatchObject({ prompt_tokens: input, cost_nano: input * 2_000 + output * 8_000 });
  });

  it('embeddings, rerank, images and speech are metered in their own units', async () => {
    await anchoredProxy([{ balance: '14.00' }]);
    pricing({
      'BAAI/bge-m3': { unit: 'million-tokens', input: '0.5' },
      'BAAI/bge-reranker-v2-m3': { unit: 'million-tokens', input: '0.3' },
      'Kwai-Kolors/Kolors': { unit: 'image', price: '0.25' },
    });
    const embedded = (await (await post('/v1/embeddings', { model: 'BAAI/bge-m3', input: ['one text', 'another text'] })).json()) as {
      usage: Usage;
    };
    const reranked = (await (
      await post('/v1/rerank', { model: 'BAAI/bge-reranker-v2-m3', query: 'apple', documents: ['apple pie', 'a car'] })
    ).json()) as { tokens: { input_tokens: number } };
    const images = (await (
      await post('/v1/images/generations', { model: 'Kwai-Kolors/Kolors', prompt: 'a cat', batch_size: 2 })
    ).json()) as {
      images: unknown[];
    };
    const speech = await post('/v1/audio/speech', { model: 'FunAudioLLM/CosyVoice2-0.5B', input: '你好世界', voice: 'alex' });
    expect((await speech.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(images.images).toHaveLength(2);
    const expected = [
      embedded.usage.prompt_tokens * 500,
      reranked.tokens.input_tokens * 300,
      2 * 0.25 * Y,
      12 * 50_000, // 12 UTF-8 bytes at ¥50 per million bytes (the shipped CosyVoice2 price)
    ];
    expect(logRows().map((r) => r.cost_nano)).toEqual(expected);
    expect(money(p.ids[0]!).spentGift).toBe(expected.reduce((a, b) => a + b, 0));
  });

  it('Pro/ models are paid from paid credit only, at the price of the model without Pro/', async () => {
    await anchoredProxy([{ balance: '14.00', chargeBalance: '5.00' }]);
    const res = await post('/v1/chat/completions', chat('Pro/deepseek-ai/DeepSeek-R1'));
    const usage = ((await res.json()) as { usage: Usage }).usage;
    const cost = usage.prompt_tokens * 4_000 + usage.completion_tokens * 16_000;
    expect(logRows()[0]).toMatchObject({ cost_nano: cost, gift_nano: 0, paid_nano: cost });
    expect(money(p.ids[0]!)).toMatchObject({ spentGift: 0, spentPaid: cost, paidFoundAt: null });
    expect(await spendMetric('Pro/deepseek-ai/DeepSeek-R1', 'paid')).toBeCloseTo(cost / Y, 12);
  });

  it('an unpriced model costs null (unknown, not 0) and leaves the estimate alone; a free one costs 0', async () => {
    await anchoredProxy([{}]);
    // No price at all for V3 (the admin API can only replace a shipped price, not remove it).
    p.ctx.prices.book.replace(new Map([...shippedPriceMap()].filter(([model]) => model !== V3)));
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
    expect((await post('/v1/chat/completions', chat('Qwen/Qwen2.5-7B-Instruct'))).status).toBe(200);
    expect(logRows().map((r) => [r.model, r.cost_nano, r.gift_nano, r.paid_nano])).toEqual([
      [V3, null, null, null],
      ['Qwen/Qwen2.5-7B-Instruct', 0, 0, 0],
    ]);
    expect(money(p.ids[0]!)).toMatchObject({ spentGift: 0, spentPaid: 0, spentUnsplit: 0 });
  });

  it('a key whose balance is unknown still gets its spend counted, as unsplit', async () => {
    p = await startProxy(keys({}));
    const usage = ((await (await post('/v1/chat/completions', chat(V3))).json()) as { usage: Usage }).usage;
    expect(logRows()[0]).toMatchObject({ cost_nano: v3Cost(usage), gift_nano: null, paid_nano: null });
    expect(money(p.ids[0]!)).toMatchObject({ gift: null, spentUnsplit: v3Cost(usage) });
    expect(await spendMetric(V3, 'unknown')).toBeCloseTo(v3Cost(usage) / Y, 12);
  });

  it("a check's new anchor while spend is still unsaved is not polluted by it", async () => {
    await anchoredProxy([{ balance: '14.00' }]);
    const before = money(p.ids[0]!).at as number;
    for (let i = 0; i < 3; i++) await post('/v1/chat/completions', chat(V3));
    await new Promise((r) => setTimeout(r, 2)); // a later millisecond than the first anchor
    await p.ctx.checks.checkOne(p.ids[0]!); // before any flush: the spend is still in the pool
    const after = money(p.ids[0]!);
    expect(after).toMatchObject({ source: 'user-info', spentGift: 0, spentPaid: 0, spentUnsplit: 0 });
    expect(after.at).toBeGreaterThan(before);
    const usage = ((await (await post('/v1/chat/completions', chat(V3))).json()) as { usage: Usage }).usage;
    expect(money(p.ids[0]!)).toMatchObject({ spentGift: v3Cost(usage) });
  });
});

describe('hard signals correct the estimate', () => {
  it('30001: nothing left, the key exhausted, and the request served by the next key', async () => {
    await anchoredProxy([{ balance: '14.00' }, { balance: '14.00' }]);
    p.fake.setKey(fakeKey(0), { behavior: 'exhausted' });
    for (let i = 0; i < 2; i++) expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
    expect(money(p.ids[0]!)).toMatchObject({ status: 'exhausted', gift: 0, paid: 0, source: 'signal', spentGift: 0 });
    expect(logRows().map((r) => r.key_id)).toEqual([p.ids[1], p.ids[1]]);
  });

  it('a top-up or a balance with money that the admin records brings an exhausted key back at once; a zero balance does not', async () => {
    await anchoredProxy([{ balance: '14.00' }]);
    p.fake.setKey(fakeKey(0), { behavior: 'exhausted' });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(503);
    p.ctx.keys.setBalance(p.ids[0]!, { gift: 0, paid: 0 });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(503);
    expect(money(p.ids[0]!)).toMatchObject({ status: 'exhausted', source: 'admin' });
    p.fake.setKey(fakeKey(0), { behavior: 'ok', chargeBalance: '5.00' }); // the top-up, as SiliconFlow sees it
    p.ctx.keys.topUp(p.ids[0]!, 5 * Y);
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
    expect(money(p.ids[0]!)).toMatchObject({ status: 'active', source: 'top-up', paid: 5 * Y, spentPaid: expect.any(Number) });
    p.fake.setKey(fakeKey(0), { behavior: 'exhausted' });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(503);
    p.fake.setKey(fakeKey(0), { behavior: 'ok', balance: '14.00' });
    p.ctx.keys.setBalance(p.ids[0]!, { gift: 14 * Y, paid: 0 });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
  });

  it('30011: no paid credit (the gift estimate stands), retried for Pro/ after PAID_RECHECK_MINUTES', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await anchoredProxy([{ behavior: 'gift-only', balance: '14.00' }], { PAID_RECHECK_MINUTES: '30' });
    const pro = chat('Pro/deepseek-ai/DeepSeek-R1');
    expect((await post('/v1/chat/completions', pro)).status).toBe(503);
    expect(money(p.ids[0]!)).toMatchObject({ status: 'active', gift: 14 * Y, paid: 0, source: 'signal', lacksPaidAt: Date.now() });
    vi.setSystemTime(Date.now() + 29 * 60_000);
    expect((await post('/v1/chat/completions', pro)).status).toBe(503);
    expect(p.fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    // Topped up meanwhile, where the ledger could not see it: the recheck finds it.
    p.fake.setKey(fakeKey(0), { behavior: 'ok', chargeBalance: '3.00' });
    vi.setSystemTime(Date.now() + 60_001);
    expect((await post('/v1/chat/completions', pro)).status).toBe(200);
    expect(money(p.ids[0]!)).toMatchObject({ lacksPaidAt: null, paid: null, paidFoundAt: expect.any(Number) });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
  });

  it('a paid credit the admin or a check records ends a 30011 at once', async () => {
    await anchoredProxy([{ behavior: 'gift-only', balance: '14.00' }]);
    const pro = chat('Pro/deepseek-ai/DeepSeek-R1');
    expect((await post('/v1/chat/completions', pro)).status).toBe(503);
    p.fake.setKey(fakeKey(0), { behavior: 'ok', chargeBalance: '2.00' });
    await p.ctx.checks.checkOne(p.ids[0]!);
    expect((await post('/v1/chat/completions', pro)).status).toBe(200);
    expect(money(p.ids[0]!)).toMatchObject({ lacksPaidAt: null, paid: 2 * Y, source: 'user-info', paidFoundAt: null });
  });

  it('a Pro/ answer from a key the ledger thought had no paid credit: flagged as credit it did not know of', async () => {
    await anchoredProxy([{ balance: '14.00', chargeBalance: '0.00' }]);
    p.fake.setKey(fakeKey(0), { chargeBalance: '3.00' }); // a top-up (or a voucher) the ledger never saw
    const res = await post('/v1/chat/completions', chat('Pro/deepseek-ai/DeepSeek-R1'));
    expect(res.status).toBe(200);
    const usage = ((await res.json()) as { usage: Usage }).usage;
    const cost = usage.prompt_tokens * 4_000 + usage.completion_tokens * 16_000;
    expect(money(p.ids[0]!)).toMatchObject({
      gift: 14 * Y,
      paid: null,
      source: 'signal',
      spentPaid: cost,
      paidFoundAt: expect.any(Number),
    });
    expect(p.ctx.keys.get(p.ids[0]!)).toMatchObject({ chargeBalance: null, giftBalance: 14 });
  });
});

describe('the pool uses the estimate', () => {
  it('a key at MIN_BALANCE or less is tried after the others, and still serves: only a real 30001 exhausts a key', async () => {
    await anchoredProxy([{ balance: '0.50' }, { balance: '14.00' }], { MIN_BALANCE: '1' });
    for (let i = 0; i < 4; i++) expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
    expect(new Set(logRows().map((r) => r.key_id))).toEqual(new Set([p.ids[1]]));
    p.fake.setKey(fakeKey(1), { behavior: 'exhausted' });
    expect((await post('/v1/chat/completions', chat(V3))).status).toBe(200);
    expect(logRows().at(-1)).toMatchObject({ key_id: p.ids[0], status: 200 });
    expect(money(p.ids[0]!)).toMatchObject({ status: 'active' });
    expect(money(p.ids[1]!)).toMatchObject({ status: 'exhausted' });
  });

  it('the admin changes MIN_BALANCE at runtime and the pool follows', async () => {
    await anchoredProxy([{ balance: '0.50' }, { balance: '14.00' }]);
    p.ctx.settings.update({ minBalance: '1' });
    for (let i = 0; i < 3; i++) await post('/v1/chat/completions', chat(V3));
    expect(new Set(logRows().map((r) => r.key_id))).toEqual(new Set([p.ids[1]]));
    p.ctx.settings.update({ minBalance: '0' });
    for (let i = 0; i < 4; i++) await post('/v1/chat/completions', chat(V3));
    expect(new Set(logRows().map((r) => r.key_id))).toEqual(new Set(p.ids));
  });

  it('highest-balance follows the estimate as keys spend', async () => {
    await anchoredProxy([{ balance: '10.00' }, { balance: '10.00' }], { KEY_STRATEGY: 'highest-balance' });
    for (let i = 0; i < 6; i++) await post('/v1/chat/completions', chat(V3));
    // Each call lowers the key that served it, so the other one is the highest next.
    const served = logRows().map((r) => r.key_id);
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
  });
});
