import type { Db } from '../db/database.js';
import type { AlertEvent, AlertMessage, Bilingual, Severity } from './alert-types.js';

export type IncidentState = 'firing' | 'clearing' | 'resolved';

/** One incident: an event's condition about one subject, from when it started to when it resolved (ms since epoch). */
export type Incident = {
  id: number;
  event: AlertEvent;
  subject: string;
  severity: Severity;
  state: IncidentState;
  title: Bilingual;
  text: Bilingual;
  data: AlertMessage['data'];
  startedAt: number;
  lastSeenAt: number;
  clearSince: number | null;
  resolvedAt: number | null;
};

/** An incident as GET /admin/api/alerts/incidents answers it (ISO times). */
export type IncidentView = Omit<Incident, 'startedAt' | 'lastSeenAt' | 'clearSince' | 'resolvedAt'> & {
  startedAt: string;
  lastSeenAt: string;
  clearSince: string | null;
  resolvedAt: string | null;
};

type Row = {
  id: number;
  event: AlertEvent;
  subject: string;
  severity: Severity;
  state: IncidentState;
  title: string;
  text: string;
  data: string;
  started_at: number;
  last_seen_at: number;
  clear_since: number | null;
  resolved_at: number | null;
};

/** Resolved incidents kept; older ones go as new ones resolve. */
export const RESOLVED_KEPT = 1000;

/** The `alert_incidents` table (migration 0012). */
export class IncidentStore {
  private readonly openStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly listStmt;
  private readonly listStateStmt;
  private readonly pruneStmt;

  constructor(db: Db) {
    this.openStmt = db.prepare("SELECT * FROM alert_incidents WHERE state != 'resolved' ORDER BY id");
    this.insertStmt = db.prepare(
      `INSERT INTO alert_incidents (event, subject, severity, state, title, text, data, started_at, last_seen_at, clear_since, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE alert_incidents SET severity = ?, state = ?, title = ?, text = ?, data = ?, last_seen_at = ?, clear_since = ?, resolved_at = ?
       WHERE id = ?`,
    );
    this.listStmt = db.prepare('SELECT * FROM alert_incidents ORDER BY id DESC LIMIT ?');
    // "firing" in the API is every open incident: one clearing is still firing until it resolves.
    this.listStateStmt = db.prepare("SELECT * FROM alert_incidents WHERE (state = 'resolved') = (? = 'resolved') ORDER BY id DESC LIMIT ?");
    this.pruneStmt = db.prepare(
      `DELETE FROM alert_incidents WHERE state = 'resolved' AND id <= (SELECT id FROM alert_incidents WHERE state = 'resolved'
         ORDER BY id DESC LIMIT 1 OFFSET ${RESOLVED_KEPT})`,
    );
  }

  /** The incidents not resolved yet (the engine holds them in memory from its start). */
  open(): Incident[] {
    return (this.openStmt.all() as Row[]).map(incidentOf);
  }

  insert(i: Omit<Incident, 'id'>): Incident {
    const info = this.insertStmt.run(
      i.event,
      i.subject,
      i.severity,
      i.state,
      JSON.stringify(i.title),
      JSON.stringify(i.text),
      JSON.stringify(i.data),
      i.startedAt,
      i.lastSeenAt,
      i.clearSince,
      i.resolvedAt,
    );
    return { ...i, id: Number(info.lastInsertRowid) };
  }

  update(i: Incident): void {
    const json = JSON.stringify;
    this.updateStmt.run(i.severity, i.state, json(i.title), json(i.text), json(i.data), i.lastSeenAt, i.clearSince, i.resolvedAt, i.id);
    if (i.state === 'resolved') this.pruneStmt.run();
  }

  /** Newest first; `state` firing = every open incident (firing or clearing). */
  list(state: 'firing' | 'resolved' | undefined, limit: number): IncidentView[] {
    const rows = (state === undefined ? this.listStmt.all(limit) : this.listStateStmt.all(state, limit)) as Row[];
    return rows.map((r) => viewOf(incidentOf(r)));
  }
}

function incidentOf(r: Row): Incident {
  return {
    id: r.id,
    event: r.event,
    subject: r.subject,
    severity: r.severity,
    state: r.state,
    title: JSON.parse(r.title) as Bilingual,
    text: JSON.parse(r.text) as Bilingual,
    data: JSON.parse(r.data) as AlertMessage['data'],
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    clearSince: r.clear_since,
    resolvedAt: r.resolved_at,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewOf(i: Incident): IncidentView {
  return {
    ...i,
    startedAt: iso(i.startedAt)!,
    lastSeenAt: iso(i.lastSeenAt)!,
    clearSince: iso(i.clearSince),
    resolvedAt: iso(i.resolvedAt),
  };
}
