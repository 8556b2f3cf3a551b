import { afterEach, expect } from 'vitest';
import type { AlertMessage } from '../../src/alerts/alert-types.js';
import type { DeliveryOptions } from '../../src/alerts/delivery.js';
import { alertMessage } from './alert-message.js';
import { signIn, startTestApp, type Admin, type TestApp } from './test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** Retries and timeouts short enough for a test; each test may lengthen them. */
export const FAST_DELIVERY: Partial<DeliveryOptions> = { retryDelaysMs: [30, 30, 30, 30], timeoutMs: 400 };

export type DeliveryRow = {
  id: number;
  channel_id: number | null;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
};

/**
 * A test app with fast alert delivery, the admin signed in, and local receivers, all closed after
 * each test. `app` is the current app (a test that restarts sets it to the restarted one).
 */
export function useAlertApp() {
  const receivers: WebhookReceiver[] = [];
  const h = {
    app: undefined as unknown as TestApp,
    admin: undefined as unknown as Admin,
    async setup(options: { keys?: string[]; alertDelivery?: Partial<DeliveryOptions> } = {}) {
      h.app = await startTestApp({
        keys: Object.fromEntries((options.keys ?? []).map((k) => [k, {}])),
        alertDelivery: { ...FAST_DELIVERY, ...options.alertDelivery },
      });
      h.admin = await signIn(h.app.app);
    },
    async receiver() {
      const r = await startWebhookReceiver();
      receivers.push(r);
      return r;
    },
    /** Creates a channel over the admin API; returns its id. */
    async channel(body: Record<string, unknown>): Promise<number> {
      const res = await h.admin.agent.post('/admin/api/alerts/channels').set('X-CSRF-Token', h.admin.csrf).send(body);
      expect(res.status).toBe(201);
      return res.body.id as number;
    },
    /** Hands a message to the sink, as the engine does. */
    send: (m: Partial<AlertMessage> = {}) => h.app.ctx.alertDelivery.send(alertMessage(m)),
    rows: () =>
      h.app.ctx.db
        .prepare('SELECT id, channel_id, status, attempts, last_status, last_error FROM alert_deliveries ORDER BY id')
        .all() as DeliveryRow[],
    /** Polls the table until `count` deliveries exist and none is pending (with a deadline, so a regression fails fast). */
    async settled(count = 1, timeoutMs = 5_000) {
      await until(() => {
        const all = h.rows();
        return all.length >= count && all.every((r) => r.status !== 'pending');
      }, timeoutMs);
      return h.rows();
    },
  };
  afterEach(async () => {
    await h.app?.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  return h;
}

/** Polls until the check holds; throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`the condition did not come true in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
