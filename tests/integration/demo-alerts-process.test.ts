import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/processes.js';

/**
 * Issue 14, "Done when", in the real `npm run demo`: the banner names the alert inbox and the fake's
 * controls; the admin adds a webhook channel with the banner's URL and presses "test", and the inbox
 * prints it; the banner's drain makes the pool run dry and the inbox prints the alert that follows.
 * (The rest of the way, each alert once and its "resolved", is tests/integration/alerts-demo.test.ts,
 * on the test's own clock: the runway is read once a minute.)
 */
async function startDemo() {
  const demo = runScript('scripts/demo.ts', { PORT: '0', HOST: '127.0.0.1', DEMO_TRAFFIC: '20' });
  const base = (await demo.waitForOutput(/User page .*(http:\/\/[^/\s]+)\//, 30_000))[1]!;
  const hook = (await demo.waitForOutput(/takes webhooks at (http:\/\/\S+\/hook) /, 10_000))[1]!;
  const drain = (await demo.waitForOutput(/curl -X POST (http:\/\/\S+\/_fake\/drain) /, 10_000))[1]!;
  return { ...demo, base, hook, drain };
}

/** Signed in as the admin past the forced change of "admin": JSON requests with the session's cookie and CSRF token. */
async function adminSession(base: string) {
  const signedIn = await fetch(`${base}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  });
  const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
  const headers = {
    'content-type': 'application/json',
    'x-csrf-token': csrfToken,
    cookie: signedIn.headers.get('set-cookie')!.split(';')[0]!,
  };
  const send = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${base}/admin/api${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json()) as any };
  };
  expect((await send('PUT', '/password', { current: 'admin', next: 'a-password-for-this-test' })).status).toBe(200);
  return send;
}

describe('npm run demo: the alerts', () => {
  it('the banner’s inbox takes a webhook channel’s test, and the banner’s drain brings an alert to it', async () => {
    const demo = await startDemo();
    const { stdout } = demo.output();
    expect(stdout).toContain(`URL ${demo.hook}; press "Send a test"`);
    expect(stdout).toMatch(/curl -X POST \S+\/_fake\/revoke -d '\{"count":2\}'/);
    expect(stdout).toMatch(/curl -X POST \S+\/_fake\/refill/);

    const admin = await adminSession(demo.base);
    const made = await admin('POST', '/alerts/channels', { name: 'demo inbox', type: 'webhook', url: demo.hook });
    expect(made.status).toBe(201);
    const test = await admin('POST', `/alerts/channels/${made.body.id}/test`);
    expect(test.body.delivery).toMatchObject({ status: 'sent', lastStatus: 200 });
    await demo.waitForOutput(/\[demo inbox\] test: 测试/, 5_000);

    // Every key loses its money; the built-in client meets it, the usable keys run out: keys-low fires.
    const drained = await fetch(demo.drain, { method: 'POST' });
    expect(drained.status).toBe(200);
    expect(((await drained.json()) as { keys: string[] }).keys.length).toBeGreaterThan(3);
    await demo.waitForOutput(/\[demo inbox\] firing keys-low: /, 30_000);
    const inbox = (await (await fetch(new URL('/', demo.hook), { headers: { accept: 'application/json' } })).json()) as {
      messages: { body: { event: string; state: string } }[];
    };
    expect(inbox.messages.some((m) => m.body.event === 'keys-low' && m.body.state === 'firing')).toBe(true);

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  }, 60_000);
});
