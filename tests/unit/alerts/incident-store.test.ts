import { describe, expect, it } from 'vitest';
import { IncidentStore, RESOLVED_KEPT, type Incident } from '../../../src/alerts/incident-store.js';
import { openDatabase } from '../../../src/db/database.js';

const incident = (subject: string): Omit<Incident, 'id'> => ({
  event: 'client-budget',
  subject,
  severity: 'info',
  state: 'firing',
  title: { zh: '标题', en: 'title' },
  text: { zh: '文本', en: 'text' },
  data: { n: 1 },
  startedAt: 1,
  lastSeenAt: 1,
  clearSince: null,
  resolvedAt: null,
});

describe('the incident store', () => {
  it(`keeps the newest ${RESOLVED_KEPT} resolved incidents, and every open one`, () => {
    const db = openDatabase(':memory:');
    const store = new IncidentStore(db);
    const open = store.insert(incident('open'));
    for (let i = 0; i < RESOLVED_KEPT + 5; i++) {
      const done = store.insert(incident(String(i)));
      store.update({ ...done, state: 'resolved', resolvedAt: 2 });
    }
    const count = (state: string) =>
      (db.prepare('SELECT COUNT(*) AS n FROM alert_incidents WHERE state = ?').get(state) as { n: number }).n;
    expect(count('resolved')).toBe(RESOLVED_KEPT);
    expect(store.open().map((i) => i.id)).toEqual([open.id]);
    expect(store.list('resolved', 1)[0]!.subject).toBe(String(RESOLVED_KEPT + 4));
    expect(store.list('firing', 50).map((i) => i.subject)).toEqual(['open']);
    db.close();
  });

  it('holds at most one open incident per event and subject', () => {
    const db = openDatabase(':memory:');
    const store = new IncidentStore(db);
    store.insert(incident('7'));
    expect(() => store.insert(incident('7'))).toThrow(/UNIQUE/);
    db.close();
  });
});
