import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { maskKey } from '../../src/crypto/key-cipher.js';
import { projectRoot } from '../../src/paths.js';
import { demoEntries } from '../support/fake-siliconflow/demo-keys.js';
import { runScript, tempDir } from '../helpers/processes.js';

/**
 * npm run demo used DATA_DIR from the shell (so it could seed demo keys into the real database) and
 * kept data/demo between runs (so a changed admin password stuck, and the banner's counts described
 * an earlier run's state). Issue 9, item 14: its own database, fresh on every run.
 */

async function startDemo(env: Record<string, string>) {
  const demo = runScript('scripts/demo.ts', { PORT: '0', HOST: '127.0.0.1', ...env });
  const base = (await demo.waitForOutput(/User page .*(http:\/\/[^/\s]+)\//, 30_000))[1]!;
  return { ...demo, base };
}

async function login(base: string, password: string) {
  return fetch(`${base}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
}

/** Signed in as the admin, past the forced change of the default password: GETs with the session's cookie. */
async function adminSession(base: string) {
  const signedIn = await login(base, 'admin');
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  const changed = await fetch(`${base}/admin/api/password`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie },
    body: JSON.stringify({ current: 'admin', next: 'a-password-for-this-test' }),
  });
  expect(changed.status).toBe(200);
  return async (path: string): Promise<any> => {
    const res = await fetch(base + path, { headers: { cookie } });
    expect(res.status, path).toBe(200);
    return res.json();
  };
}

/** Polls `read` until `done` holds for what it read (or fails with the last reading). */
async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm run demo', () => {
  it('ignores DATA_DIR from the shell and starts fresh on every run: admin / admin works and the counts are the same', async () => {
    const shellDataDir = tempDir();
    const first = await startDemo({ DATA_DIR: shellDataDir });
    const { stdout } = first.output();
    expect(stdout).toContain(join(projectRoot, 'data', 'demo'));
    expect(stdout).toMatch(/every run starts fresh/i);
    const counts = /Demo: fake SiliconFlow at \S+ with (.*)/.exec(stdout)![1];
    const signedIn = await login(first.base, 'admin');
    expect(signedIn.status).toBe(200);
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const changed = await fetch(`${first.base}/admin/api/password`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': csrfToken,
        cookie: signedIn.headers.get('set-cookie')!.split(';')[0]!,
      },
      body: JSON.stringify({ current: 'admin', next: 'changed-in-the-first-run' }),
    });
    expect(changed.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(readdirSync(shellDataDir)).toEqual([]);

    const second = await startDemo({ DATA_DIR: shellDataDir });
    expect((await login(second.base, 'admin')).status).toBe(200);
    expect(/Demo: fake SiliconFlow at \S+ with (.*)/.exec(second.output().stdout)![1]).toBe(counts);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  /**
   * SiliconFlow's user/info is retired, so the demo showed "balance unknown" everywhere and nothing
   * moved until someone wrote a client (issue 11, "Done when"): its keys now come with the balances an
   * admin would write down, and a built-in client sends real /v1 requests (DEMO_TRAFFIC, raised here).
   */
  it('shows estimated balances, spend and a runway that move as its built-in client makes requests', async () => {
    const demo = await startDemo({ DEMO_TRAFFIC: '30' });
    expect(demo.output().stdout).toMatch(/DEMO_TRAFFIC=0 turns it off/);
    const get = await adminSession(demo.base);
    const moving = (s: any) => Number(s.spend.today.cost) > 0 && s.runway.gift.kind === 'estimated' && s.runway.paid.kind === 'estimated';
    const first = await readUntil(() => get('/admin/api/spend/summary'), moving, 10_000);
    const second = await readUntil(
      () => get('/admin/api/spend/summary'),
      (s) => Number(s.spend.today.cost) > Number(first.spend.today.cost) && s.balance.total.yuan !== first.balance.total.yuan,
      5_000,
    );

    for (const summary of [first, second]) {
      expect(summary.balance.total).toMatchObject({ kind: 'estimated' });
      expect(Number(summary.balance.total.yuan)).toBeGreaterThan(300);
      expect(Number(summary.spend.today.gift)).toBeGreaterThan(0);
      expect(Number(summary.spend.today.paid)).toBeGreaterThan(0); // the Pro/ models
      for (const credit of ['gift', 'paid']) expect(summary.runway[credit].hours).toBeGreaterThan(0);
    }
    expect(Number(second.balance.total.yuan)).toBeLessThan(Number(first.balance.total.yuan));
    expect(second.runway.gift.hours).toBeLessThan(first.runway.gift.hours);
    expect(second.spend.today.unpriced.requests).toBeGreaterThan(0);

    const stats = await get('/admin/api/stats');
    expect(stats.money.balance.total.kind).toBe('estimated');
    expect(Number(stats.money.balance.total.yuan)).toBeGreaterThan(0);
    expect(stats.money.runway.gift).toMatchObject({ kind: 'estimated' });
    expect(stats.money.runway.gift.hours).toBeGreaterThan(0);

    // The nearly dry key's figure was out of date: a real 30001 says it is empty.
    const dry = maskKey(demoEntries().find((e) => e.label === 'nearly-empty')!.key);
    const keys = await readUntil(
      () => get('/admin/api/keys?pageSize=50'),
      (list) => list.items.some((k: any) => k.maskedKey === dry && k.status === 'exhausted'),
      10_000,
    );
    expect(keys.items.find((k: any) => k.maskedKey === dry)).toMatchObject({
      totalBalance: 0,
      balanceKind: 'exact',
      balanceSource: 'signal',
    });

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    const { stdout, stderr } = demo.output();
    for (const { key } of demoEntries()) expect(stdout + stderr).not.toContain(key.slice(3));
  }, 40_000);

  it("DEMO_TRAFFIC=0 sends nothing; the balances recorded are the fake's money, but for the seller's stale figure", async () => {
    const quiet = await startDemo({ DEMO_TRAFFIC: '0' });
    const { stdout } = quiet.output();
    expect(stdout).toMatch(/built-in client is off/);
    const get = await adminSession(quiet.base);
    await new Promise((r) => setTimeout(r, 1500));
    const summary = await get('/admin/api/spend/summary');
    expect(summary.spend.today.requests).toBe(0);
    expect(summary.balance.total).toMatchObject({ kind: 'estimated' });

    const fakeUrl = /Demo: fake SiliconFlow at (\S+) /.exec(stdout)![1]!;
    const truth = new Map(((await (await fetch(`${fakeUrl}/_fake/state`)).json()) as any).keys.map((k: any) => [k.key, k.money]));
    const pool = new Map((await get('/admin/api/keys?pageSize=50')).items.map((k: any) => [k.maskedKey, k]));
    const recorded = (label: string) => {
      const masked = maskKey(demoEntries().find((e) => e.label === label)!.key);
      const [key, money] = [pool.get(masked) as any, truth.get(masked) as any];
      return { estimate: [key.giftBalance, key.chargeBalance, key.balanceSource], truth: [Number(money.gift), Number(money.paid)] };
    };
    expect(recorded('new-account')).toEqual({ estimate: [14, 0, 'import'], truth: [14, 0] });
    expect(recorded('half-spent')).toEqual({ estimate: [6.37, 0, 'import'], truth: [6.37, 0] });
    expect(recorded('gift-only')).toEqual({ estimate: [9.5, 0, 'import'], truth: [9.5, 0] });
    expect(recorded('paid')).toEqual({ estimate: [0.88, 88, 'admin'], truth: [0.88, 88] });
    expect(recorded('big-paid')).toEqual({ estimate: [0, 250, 'top-up'], truth: [0, 250] });
    expect(recorded('nearly-empty')).toEqual({ estimate: [0.05, 0, 'import'], truth: [0.02, 0] });
    const unrecorded = demoEntries().filter((e) => e.via === null);
    for (const { key } of unrecorded) expect((pool.get(maskKey(key)) as any).balanceKind).toBe('unknown');
    quiet.child.kill('SIGTERM');
    expect(await quiet.exited).toBe(0);
  }, 40_000);

  /**
   * Issue 12, "Done when": a newcomer takes the client keys the demo prints, uses them with the OpenAI
   * SDK, watches the spend grow in the admin's list and the user page's lookup, and meets a clear
   * refusal once the ¥0.50 is spent. Free models cost ¥0, so the free-only key only shows its limits.
   */
  it('the newcomer path: the printed client keys work with the OpenAI SDK, the ¥0.50 one is refused with 429 42901 once spent', async () => {
    const demo = await startDemo({ DEMO_TRAFFIC: '20' });
    const printed = await demo.waitForOutput(/free models only, ¥0\.50 a day: +(sfm-\S+)\n.*¥0\.50 a day on (\S+): (sfm-\S+)/, 10_000);
    const [, freeKey, model, budgetKey] = printed as unknown as [string, string, string, string];
    const sdk = (apiKey: string) => new OpenAI({ baseURL: `${demo.base}/v1`, apiKey, maxRetries: 0 });

    const free = sdk(freeKey);
    const freeModels = (await free.models.list()).data.map((m) => m.id);
    expect(freeModels).toContain('Qwen/Qwen2.5-7B-Instruct');
    expect(freeModels).not.toContain(model);
    const hello = await free.chat.completions.create({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: [{ role: 'user', content: 'hi' }] });
    expect(hello.choices[0]!.message.content).toBeTruthy();
    // Issue 13, "Done when": the seed's own example request, through the alias gpt-3.5-turbo → a free Qwen model.
    expect(freeModels).toContain('gpt-3.5-turbo');
    const seed = await free.chat.completions.create({
      model: 'gpt-3.5-turbo',
      messages: [{ role: 'user', content: '你好，请用中文回答，你是谁？' }],
    });
    expect(seed.choices[0]!.message.content).toBeTruthy();
    await expect(free.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 403,
    });

    const budget = sdk(budgetKey);
    let served = 0;
    let refusal: any;
    for (let i = 0; i < 10 && !refusal; i++) {
      try {
        const answer = await budget.chat.completions.create({ model, max_tokens: 16_000, messages: [{ role: 'user', content: 'hi' }] });
        expect(answer.usage!.completion_tokens).toBe(16_000);
        served++;
      } catch (err) {
        refusal = err;
      }
    }
    // ¥8 per million output tokens: about ¥0.13 an answer, so four spend the ¥0.50 and the fifth is refused.
    expect(served).toBe(4);
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    expect(refusal.status).toBe(429);
    expect(refusal.error).toMatchObject({ code: 42901, reason: 'client-budget', budget: 'day', limit: '0.5' });
    expect(refusal.message).toMatch(/budget of ¥0\.5 is spent/);

    const lookup = await fetch(`${demo.base}/api/client-key/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: budgetKey }),
    });
    expect(lookup.status).toBe(200);
    const mine = (await lookup.json()) as any;
    expect(mine.usage.today.requests).toBe(4);
    expect(Number(mine.usage.today.spent.yuan)).toBeGreaterThan(0.5);
    expect(mine.remaining.day).toMatchObject({ yuan: '0', limit: '0.5' });

    const get = await adminSession(demo.base);
    const byName = (list: any, start: string) => list.items.find((c: any) => c.name.startsWith(start));
    const clients = await readUntil(
      () => get('/admin/api/clients'),
      (list) => byName(list, 'demo: built-in')?.usage.today.requests > 0,
      10_000,
    );
    expect(byName(clients, 'demo: ¥0.50/day').usage.today.spent.yuan).toBe(mine.usage.today.spent.yuan);
    // The model list and the two free answers (Qwen, and the seed's gpt-3.5-turbo): ¥0, whatever the budget.
    expect(byName(clients, 'demo: free models').usage.today).toMatchObject({ requests: 3, spent: { yuan: '0' } });
    expect(Number(byName(clients, 'demo: built-in').usage.today.spent.yuan)).toBeGreaterThan(0);
    expect(JSON.stringify(clients)).not.toContain(budgetKey);

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  }, 60_000);

  it('a bad DEMO_TRAFFIC stops the demo at once with one line naming it', async () => {
    const bad = runScript('scripts/demo.ts', { PORT: '0', DEMO_TRAFFIC: 'lots' });
    expect(await bad.exited).toBe(1);
    await bad.closed;
    expect(bad.output().stderr).toMatch(/^DEMO_TRAFFIC must be requests per second from 0 \(off\) to 50, got "lots"\n$/);
  }, 20_000);
});
