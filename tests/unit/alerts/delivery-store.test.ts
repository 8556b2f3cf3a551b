import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DeliveryStore } from '../../../src/alerts/delivery-store.js';
import { migrate } from '../../../src/db/database.js';
import { alertMessage } from '../../helpers/alert-message.js';

function store(kept?: number) {
  const db = new Database(':memory:');
  migrate(db);
  db.prepare(
    "INSERT INTO alert_channels (id, name, type, url_enc, min_severity, created_at, updated_at) VALUES (1, 'c', 'webhook', x'00', 'info', 0, 0)",
  ).run();
  return { db, deliveries: new DeliveryStore(db, kept) };
}
const one = (incidentId: string) => [{ channelId: 1, channelName: 'c', message: alertMessage({ incidentId }) }];

describe('DeliveryStore', () => {
  it('keeps the newest rows only: older ones go as new ones come', () => {
    const { deliveries } = store(3);
    for (let i = 0; i < 5; i++) deliveries.add(one(String(i)));
    expect(deliveries.list({ limit: 10 }).map((d) => d.incidentId)).toEqual(['4', '3', '2']);
  });

  it('a claimed delivery is no longer due, and is due again after a restart (reviveClaimed)', () => {
    const { deliveries } = store();
    const [id] = deliveries.add(one('a'), 1_000);
    expect(deliveries.claimDue(1_000, 5).map((d) => d.id)).toEqual([id]);
    expect(deliveries.claimDue(1_000, 5)).toEqual([]);
    expect(deliveries.nextDue()).toBeUndefined();
    deliveries.reviveClaimed(2_000);
    expect(deliveries.nextDue()).toBe(2_000);
    expect(deliveries.claimDue(2_000, 5).map((d) => d.message)).toEqual([alertMessage({ incidentId: 'a' })]);
  });

  it('a retry is due at its time; sent and failed rows are never due', () => {
    const { deliveries } = store();
    const [retried, sent] = [...deliveries.add(one('r'), 0), ...deliveries.add(one('s'), 0)];
    deliveries.claimDue(0, 5);
    deliveries.record(retried!, { outcome: 'retry', httpStatus: 500, error: 'HTTP 500', retryAt: 5_000 }, 10);
    deliveries.record(sent!, { outcome: 'sent', httpStatus: 200, error: null }, 10);
    expect(deliveries.nextDue()).toBe(5_000);
    expect(deliveries.claimDue(4_999, 5)).toEqual([]);
    expect(deliveries.claimDue(5_000, 5).map((d) => [d.id, d.attempts])).toEqual([[retried, 1]]);
    expect(deliveries.lastByChannel().get(1)).toEqual({ status: 'sent', at: new Date(10).toISOString() });
  });
});
