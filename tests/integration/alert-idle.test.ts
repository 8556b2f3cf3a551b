/**
 * Issue 15, idle cost: the alert engine's tick stays (some conditions end with time alone), but a
 * tick that finds nothing new is cheap — it reads the runway again only after something it is made
 * of changed (or hourly, for an open runway-low to clear), and writes an incident only when what it
 * says changed (key events are read only after one was recorded: alert-engine-parts.test.ts). The
 * engine's clock is the test's (tick(now)); what it decided is read back from the database and from
 * what the incidents API lists.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertRecorder } from '../helpers/alert-recorder.js';
import { seedPool } from '../helpers/spend-fixtures.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const MIN = 60_000;
let t: TestApp;
let sent: AlertRecorder;
let T: number;
afterEach(() => t?.close());

async function setup(env: Record<string, string> = {}) {
  sent = new AlertRecorder();
  t = await startTestApp({ env, alertSinks: [sent] });
  T = Date.now();
}
const tickAt = (ms: number) => t.ctx.alerts.tick(T + ms);

describe('an idle tick', () => {
  it('does not read the runway while nothing changed; a balance set lower is read at the next tick and fires', async () => {
    await setup();
    const ids = seedPool(t); // gift lasts 120 h, paid 250 h (spend-fixtures.ts)
    const reads = vi.spyOn(t.ctx.spend, 'pool');
    tickAt(0);
    tickAt(MIN + 1000);
    tickAt(30 * MIN);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(sent.states('runway-low')).toEqual([]);
    // The admin sets the gift credit of the two keys that have some to nothing: the runway falls.
    t.ctx.keys.setBalance(ids[0]!, { gift: 0 });
    t.ctx.keys.setBalance(ids[1]!, { gift: 0 });
    tickAt(30 * MIN + 15_000);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(sent.states('runway-low')).toEqual(['firing gift']);
    // Idle again: read hourly, so an open runway-low can clear as the last day's spend leaves the window.
    tickAt(90 * MIN);
    expect(reads).toHaveBeenCalledTimes(2);
    tickAt(90 * MIN + 15_000);
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('a condition that holds unchanged is not written again; the list shows when it was last seen, and a stop writes it', async () => {
    await setup({ ADMIN_PASSWORD: 'admin' });
    const lastSeen = () =>
      t.ctx.db.prepare("SELECT last_seen_at FROM alert_incidents WHERE event = 'default-password'").pluck().get() as number;
    tickAt(0);
    expect(lastSeen()).toBe(T);
    tickAt(15_000);
    tickAt(30_000);
    expect(lastSeen()).toBe(T);
    // What GET /admin/api/alerts/incidents lists (the default password locks the API itself until it is changed).
    const listed = t.ctx.alerts.incidents('firing', 10).find((i) => i.event === 'default-password');
    expect(listed?.lastSeenAt).toBe(new Date(T + 30_000).toISOString());
    t.ctx.alerts.stop();
    expect(lastSeen()).toBe(T + 30_000);
    expect(sent.states('default-password')).toEqual(['firing']);
  });
});
