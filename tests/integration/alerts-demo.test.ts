import { afterEach, describe, expect, it } from 'vitest';
import { quickAlertRules } from '../../scripts/demo-alerts.js';
import { checkEveryKey, seedPool } from '../../scripts/demo-pool.js';
import { demoEntries, demoKeys } from '../support/fake-siliconflow/demo-keys.js';
import { startFakeSiliconFlow, type FakeSiliconFlow } from '../support/fake-siliconflow/index.js';
import { signIn, startTestApp, type Admin, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type Received, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 14, "Done when", over real sockets: in a demo-like app (the demo's keys seeded by the demo's
 * own code, the fake SiliconFlow, the demo's quick alert rules, /v1 traffic sent here), an admin adds
 * a webhook channel pointed at a local receiver and presses "test"; the pool is made to run dry with
 * the fake's controls (drain, revoke) and /v1 traffic meets it; the receiver gets the runway-low and
 * keys-invalid firing messages once each; the admin's fix (a balance set in the key's money dialog,
 * the revoked key switched off) makes both resolve, with exactly one resolved message each.
 *
 * The engine is ticked with the test's own clock, a minute apart: the runway is an SQL aggregate the
 * engine reads at most once a minute, and waiting for that in real time would make a slow test.
 */
let t: TestApp;
let fake: FakeSiliconFlow;
let receiver: WebhookReceiver;
let admin: Admin;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  await receiver?.close();
});

/** Gift credit only (no paid credit is known or spent), so the pool has one runway that can run low: the gift's. */
const LABELS = ['new-account', 'half-spent', 'gift-only'];
const PAID_MODEL = 'deepseek-ai/DeepSeek-V3';
const MINUTE = 60_000;

let clock = Date.now();
/** One evaluation of the rules, a minute and a second after the last. */
const tickAhead = () => {
  t.ctx.flush(); // the key states the proxy learned, into the database the runway is read from
  t.ctx.alerts.tick((clock += MINUTE + 1_000));
};

async function startDemoLike() {
  const entries = demoEntries().filter((e) => LABELS.includes(e.label));
  const keys = demoKeys();
  fake = await startFakeSiliconFlow({
    keys: Object.fromEntries(entries.map((e) => [e.key, keys[e.key]!])),
    userInfoMode: 'gone',
    record: false,
  });
  t = await startTestApp({ fake, alertDelivery: { retryDelaysMs: [50, 50], timeoutMs: 2_000 } });
  quickAlertRules(t.ctx.alertRules);
  seedPool(t.ctx, entries);
  await checkEveryKey(t.ctx);
  receiver = await startWebhookReceiver();
  admin = await signIn(t.app);
  clock = Date.now();
}

const api = (method: 'post' | 'patch' | 'put', path: string, body?: object) =>
  admin.agent[method](`/admin/api${path}`).set('x-csrf-token', admin.csrf).send(body);

/** One /v1 chat call with the admin's access key, as a client of the pool makes it. */
async function chat(base: string): Promise<number> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.ctx.accessKey.current().key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: PAID_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

async function fakeControl(path: string, body?: object): Promise<string[]> {
  const res = await fetch(`${fake.url}/_fake/${path}`, { method: 'POST', body: body ? JSON.stringify(body) : undefined });
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: string[] }).keys;
}

const statuses = () => t.ctx.db.prepare('SELECT status, COUNT(*) AS n FROM keys GROUP BY status ORDER BY status').all();
const keyIdsIn = (status: string) =>
  (t.ctx.db.prepare('SELECT id FROM keys WHERE status = ? ORDER BY id').all(status) as { id: number }[]).map((r) => r.id);

type Body = { state: string; event: string; subject: string; incidentId: string; title: { zh: string; en: string } };
const bodies = (received: Received[]) => received.map((r) => JSON.parse(r.body) as Body);
/** How many messages of each "state event" the receiver got, e.g. {"firing runway-low": 1}. */
function tally(received: Received[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of bodies(received)) out[`${b.state} ${b.event}`] = (out[`${b.state} ${b.event}`] ?? 0) + 1;
  return out;
}

/** Every delivery the app queued has been attempted: the receiver has what the app sent. */
async function settled(): Promise<Received[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pending = (t.ctx.db.prepare("SELECT COUNT(*) AS n FROM alert_deliveries WHERE status = 'pending'").get() as { n: number }).n;
    if (pending === 0) return receiver.received;
    if (Date.now() > deadline) throw new Error(`${pending} deliveries still pending`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the demo pool runs dry and recovers, and the admin is told each time, once', () => {
  it('test → drain and revoke → runway-low and keys-invalid fire once each → the fix → one resolved each', async () => {
    await startDemoLike();
    const base = await t.listen();
    // The test's clock moves a minute a tick: a burst of invalid keys must outlast a few ticks (the admin edits the rule).
    const rule = await api('patch', '/alerts/rules/keys-invalid', { params: { windowMinutes: 10 } });
    expect(rule.body).toMatchObject({ params: { windowMinutes: 10, gatherSeconds: 5 }, clearAfterSeconds: 10 });

    // The admin adds the webhook and presses "test": the receiver gets it.
    const made = await api('post', '/alerts/channels', { name: 'demo inbox', type: 'webhook', url: `${receiver.url}/hook` });
    expect(made.status).toBe(201);
    const test = await api('post', `/alerts/channels/${made.body.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body.delivery).toMatchObject({ status: 'sent', state: 'test', lastStatus: 200 });
    expect(bodies(await receiver.waitFor(1))[0]).toMatchObject({ state: 'test' });

    // Some spend, so the ledger has a burn rate: nothing fires while the pool has its money.
    for (let i = 0; i < 5; i++) expect(await chat(base)).toBe(200);
    tickAhead();
    tickAhead();
    expect(bodies(await settled()).map((b) => b.state)).toEqual(['test']);

    // The pool runs dry: every key loses its money, one is revoked; /v1 traffic meets it.
    expect(await fakeControl('drain')).toHaveLength(3);
    expect(await fakeControl('revoke', { count: 1 })).toHaveLength(1);
    for (let i = 0; i < 10 && keyIdsIn('active').length > 0; i++) await chat(base);
    t.ctx.flush();
    expect(statuses()).toEqual([
      { status: 'exhausted', n: 2 },
      { status: 'invalid', n: 1 },
    ]);

    tickAhead();
    tickAhead();
    tickAhead();
    const fired = tally(await settled());
    expect(fired['firing runway-low']).toBe(1);
    expect(fired['firing keys-invalid']).toBe(1);
    const runway = bodies(receiver.received).find((b) => b.event === 'runway-low')!;
    expect(runway).toMatchObject({ subject: 'gift' });
    expect(runway.title.zh).toMatch(/赠送余额/);

    // The admin's fix: a balance set in a drained key's money dialog, the revoked key switched off
    // (and the money is back at SiliconFlow, so the next calls are served).
    expect(await fakeControl('refill')).toHaveLength(3);
    const [drained] = keyIdsIn('exhausted');
    expect((await api('put', `/keys/${drained}/balance`, { gift: '14' })).status).toBe(200);
    for (const id of keyIdsIn('invalid')) expect((await api('patch', `/keys/${id}`, { enabled: false })).status).toBe(200);
    for (let i = 0; i < 4; i++) tickAhead();
    const after = tally(await settled());
    expect(after['resolved runway-low']).toBe(1);
    expect(after['resolved keys-invalid']).toBe(1);
    // Firing and resolved of one incident share its id; and nothing fired twice.
    const ids = (event: string) =>
      new Set(
        bodies(receiver.received)
          .filter((b) => b.event === event)
          .map((b) => b.incidentId),
      );
    expect(ids('runway-low').size).toBe(1);
    expect(ids('keys-invalid').size).toBe(1);
    expect(after['firing runway-low']).toBe(1);
    expect(after['firing keys-invalid']).toBe(1);

    // Quiet afterwards: more ticks send nothing more about either.
    const count = receiver.received.length;
    tickAhead();
    tickAhead();
    await settled();
    expect(bodies(receiver.received.slice(count)).filter((b) => ['runway-low', 'keys-invalid'].includes(b.event))).toEqual([]);
    const incidents = t.ctx.db
      .prepare("SELECT event, state FROM alert_incidents WHERE event IN ('runway-low', 'keys-invalid') ORDER BY event")
      .all();
    expect(incidents).toEqual([
      { event: 'keys-invalid', state: 'resolved' },
      { event: 'runway-low', state: 'resolved' },
    ]);
  }, 60_000);
});
