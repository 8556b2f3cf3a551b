import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';

/**
 * The ledger against the truth: the fake SiliconFlow keeps every key's money and bills each answer
 * with its own copy of the prices (docs/siliconflow.md, "How the fake bills"). When the prices agree,
 * the pool's estimates must end exactly where the fake's accounts are; when the fake charges more
 * than the table, the hard signals must keep the pool serving (issue 11, "Tests and figures").
 */
let p: Proxy;
afterEach(() => p?.close());

const keys = (...states: Partial<FakeKeyState>[]) => states.map((s, i) => [fakeKey(i), s] as [string, Partial<FakeKeyState>]);
const post = (path: string, json: unknown) => p.call(path, { json });

/** The pool's estimate of each key as stored, in n¥, after a flush. */
function estimates() {
  p.ctx.flush();
  return p.ctx.db
    .prepare(
      `SELECT id, anchor_gift_nano - spent_gift_nano AS gift, anchor_paid_nano - spent_paid_nano AS paid, spent_unsplit_nano AS unsplit,
         status, failure_count AS failures FROM keys ORDER BY id`,
    )
    .all() as { id: number; gift: number; paid: number; unsplit: number; status: string; failures: number }[];
}

/** Each call of a mixed run: every kind of answer the ledger meters, paid and Pro/ models. */
const MIX: [string, unknown][] = [
  ['/v1/chat/completions', chat('deepseek-ai/DeepSeek-V3', { messages: [{ role: 'user', content: 'a question '.repeat(40) }] })],
  ['/v1/chat/completions', chat('deepseek-ai/DeepSeek-V3', { stream: true, fake_chunks: 9 })],
  ['/v1/chat/completions', chat('deepseek-ai/DeepSeek-R1')],
  ['/v1/chat/completions', chat('deepseek-ai/DeepSeek-R1', { stream: true })],
  ['/v1/chat/completions', chat('Pro/deepseek-ai/DeepSeek-R1')],
  ['/v1/chat/completions', chat('Pro/deepseek-ai/DeepSeek-R1', { stream: true })],
  ['/v1/messages', { model: 'deepseek-ai/DeepSeek-V3', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi there' }] }],
  ['/v1/embeddings', { model: 'BAAI/bge-m3', input: ['to embed', 'and this too'] }],
  ['/v1/images/generations', { model: 'Kwai-Kolors/Kolors', prompt: 'a lighthouse', batch_size: 2 }],
  // Three in a row: round-robin gives one to each key, so the mixed key's ¥0.01 gift runs out mid-call.
  ...Array.from({ length: 3 }, (): [string, unknown] => [
    '/v1/audio/speech',
    { model: 'FunAudioLLM/CosyVoice2-0.5B', input: '语音合成按字节计费。'.repeat(20), voice: 'alex' },
  ]),
  ['/v1/chat/completions', chat('Qwen/Qwen2.5-7B-Instruct')],
];

describe('the ledger against the fake’s accounts', () => {
  it('after a mixed run, every key’s estimate equals the fake’s truth to the nano-yuan (gift-only, paid-only and mixed keys)', async () => {
    p = await startProxy(
      keys({ balance: '14.00' }, { balance: '0.00', chargeBalance: '20.00' }, { balance: '0.01', chargeBalance: '5.00' }),
    );
    // Prices both sides agree on, for the models the shipped table has free or uncertain.
    for (const [model, price] of [
      ['BAAI/bge-m3', { unit: 'million-tokens', input: '0.7' }],
      ['Kwai-Kolors/Kolors', { unit: 'image', price: '0.03' }],
    ] as const) {
      p.fake.setPrice(model, price);
      p.ctx.prices.set(model, price);
    }
    for (const id of p.ids) await p.ctx.checks.checkOne(id); // exact anchors from user/info
    for (let round = 0; round < 3; round++) {
      for (const [path, body] of MIX) {
        const res = await post(path, body);
        expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(200);
        await res.arrayBuffer();
      }
    }
    const truth = p.ids.map((id, i) => ({ id, ...p.fake.balances(fakeKey(i))! }));
    expect(truth.every((t) => t.spent > 0)).toBe(true);
    expect(truth[2]).toMatchObject({ gift: 0 }); // the mixed key ran out of gift credit and went on paying from paid
    expect(estimates().map(({ id, gift, paid, unsplit }) => ({ id, gift, paid, unsplit }))).toEqual(
      truth.map(({ id, gift, paid }) => ({ id, gift, paid, unsplit: 0 })),
    );
  });

  it('with the fake charging 10 % more, no request fails while a funded key exists, and a key that runs dry costs one failed attempt', async () => {
    const states = [{ balance: '0.03' }, { balance: '0.05' }, { balance: '0.04' }];
    p = await startProxy(keys(...states), { env: { MAX_KEY_TRIES: '10' } });
    for (const id of p.ids) await p.ctx.checks.checkOne(id);
    p.fake.setOvercharge(1.1);
    const body = chat('deepseek-ai/DeepSeek-V3', { messages: [{ role: 'user', content: 'spend it '.repeat(400) }] });
    const statuses: number[] = [];
    for (let i = 0; i < 200 && !statuses.includes(503); i++) {
      const res = await post('/v1/chat/completions', body);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    // Every key ran dry (the fake says so) before the first 503, and each was tried once after that.
    const funded = () => p.ids.filter((_, i) => p.fake.balances(fakeKey(i))!.total > 0);
    expect(funded()).toEqual([]);
    expect(statuses.at(-1)).toBe(503);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    p.ctx.flush();
    const served = p.ctx.db
      .prepare('SELECT key_id AS id, COUNT(*) AS n FROM request_logs WHERE status = 200 GROUP BY key_id ORDER BY key_id')
      .all();
    expect(served).toEqual(p.ids.map((id) => ({ id, n: expect.any(Number) })));
    expect(served.every((k) => (k as { n: number }).n >= 3)).toBe(true);
    expect(estimates().map((k) => [k.status, k.failures])).toEqual(p.ids.map(() => ['exhausted', 1]));
  });
});
