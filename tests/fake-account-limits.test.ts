import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSiliconFlow, type FakeSiliconFlow } from './support/fake-siliconflow/index.js';

// The fake's limits per account × model (issue 13), which the proxy's account cooling is tested against.
let fake: FakeSiliconFlow;
const key = (n: number) => `sk-limit${String(n).padStart(4, '0')}${'y'.repeat(40)}`;
const MODEL_A = 'Qwen/Qwen2.5-7B-Instruct';
const MODEL_B = 'deepseek-ai/DeepSeek-V3';

beforeAll(async () => {
  fake = await startFakeSiliconFlow({
    keys: { [key(1)]: { account: 'acct-x' }, [key(2)]: { account: 'acct-x' }, [key(3)]: { account: 'acct-y' } },
  });
});
afterAll(async () => {
  await fake.close();
});

const chat = (k: string, model: string) =>
  fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(5000),
  });

describe('fake: limits per account × model', () => {
  it('a limited account answers 429 50602 naming the detail for that model, on each of its keys; other models and accounts are served', async () => {
    fake.limitAccount('acct-x', MODEL_A, 'RPM');
    for (const k of [key(1), key(2)]) {
      const res = await chat(k, MODEL_A);
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({
        code: 50602,
        message: 'Request was rejected due to rate limiting. Details: RPM limit reached.',
        data: null,
      });
    }
    expect((await chat(key(1), MODEL_B)).status).toBe(200);
    expect((await chat(key(3), MODEL_A)).status).toBe(200);
    fake.limitAccount('acct-x', MODEL_A, null);
    expect((await chat(key(1), MODEL_A)).status).toBe(200);
  });

  it("'' limits the requests that name no model; a sentence is sent as written", async () => {
    fake.limitAccount('acct-y', '', 'RPD limit reached. Could only send 100 requests per day without real name verification');
    const models = await fetch(`${fake.url}/v1/models`, { headers: { authorization: `Bearer ${key(3)}` } });
    expect(models.status).toBe(429);
    expect(((await models.json()) as { message: string }).message).toContain('Details: RPD limit reached. Could only send 100');
    expect((await chat(key(3), MODEL_A)).status).toBe(200);
    fake.limitAccount('acct-y', '', null);
  });

  it('POST /_fake/account-limits does the same over HTTP, checks its body, and /_fake/state lists the limits', async () => {
    const control = (body: unknown) =>
      fetch(`${fake.url}/_fake/account-limits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await control({ account: 'acct-y', model: MODEL_B, detail: 'TPD' })).status).toBe(200);
    expect((await chat(key(3), MODEL_B)).status).toBe(429);
    const state = (await (await fetch(`${fake.url}/_fake/state`)).json()) as { accountLimits: unknown };
    expect(state.accountLimits).toEqual([{ account: 'acct-y', model: MODEL_B, detail: 'TPD' }]);
    expect((await control({ account: 'acct-y', model: MODEL_B })).status).toBe(400);
    expect((await control({ account: 'acct-y', model: MODEL_B, detail: null })).status).toBe(200);
    expect((await chat(key(3), MODEL_B)).status).toBe(200);
  });
});
