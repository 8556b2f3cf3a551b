import type { AlertRule } from './alert-rules.js';
import type { AlertEvent, AlertMessage, AlertSink } from './alert-types.js';
import { bi, duration, type Condition } from './detectors/detector.js';
import type { Incident, IncidentStore, IncidentView } from './incident-store.js';

export type IncidentsDeps = {
  store: Pick<IncidentStore, 'open' | 'insert' | 'update'>;
  sink: AlertSink;
  /** The absolute link of a message about `event` (the admin page's tab for it). */
  link: (event: AlertEvent) => string;
};

const keyOf = (event: AlertEvent, subject: string) => `${event}\u0000${subject}`;
/** What a holding condition says: written when it changes, not on every tick that finds it the same. */
const factsOf = (i: Pick<Incident, 'severity' | 'title' | 'text' | 'data'>) => JSON.stringify([i.severity, i.title, i.text, i.data]);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * De-duplication, per (event, subject): a condition that starts holding opens a `firing` incident
 * and sends ONE firing message; while it holds, or comes back within clearAfterSeconds, nothing is
 * sent (its numbers and severity are kept up to date, not re-sent); once it stayed clear for
 * clearAfterSeconds (`clearing` meanwhile) the incident resolves with ONE resolved message. The open
 * incidents live in the database too, so a restart neither sends them again nor forgets them.
 */
export class Incidents {
  private readonly open = new Map<string, Incident>();
  /** Open incidents whose lastSeenAt moved since they were last written (saveLastSeen writes them). */
  private readonly seenUnsaved = new Set<Incident>();

  constructor(private readonly deps: IncidentsDeps) {
    for (const i of deps.store.open()) this.open.set(keyOf(i.event, i.subject), i);
  }

  /** Open incidents of `event` (firing or clearing: both are still firing until they resolve). */
  firing(event: AlertEvent): number {
    let n = 0;
    for (const i of this.open.values()) if (i.event === event) n++;
    return n;
  }

  /** The incident open for (event, subject), if any. */
  find(event: AlertEvent, subject: string): Readonly<Incident> | undefined {
    return this.open.get(keyOf(event, subject));
  }

  /** One event's conditions at `now`. A disabled rule resolves what it had open, saying so. */
  apply(rule: Readonly<AlertRule>, conditions: readonly Condition[], now: number): void {
    const holding = new Set<string>();
    if (rule.enabled) {
      for (const c of conditions) {
        holding.add(keyOf(rule.event, c.subject));
        this.hold(rule.event, c, now);
      }
    }
    for (const [key, i] of this.open) {
      if (i.event !== rule.event || holding.has(key)) continue;
      if (!rule.enabled) this.resolve(key, i, now, true);
      else this.clear(key, i, rule.clearAfterSeconds * 1000, now);
    }
  }

  private hold(event: AlertEvent, c: Condition, now: number): void {
    const key = keyOf(event, c.subject);
    const open = this.open.get(key);
    const facts = { severity: c.severity, title: c.title, text: c.text, data: c.data, lastSeenAt: now };
    if (open) {
      const changed = open.state !== 'firing' || factsOf(open) !== factsOf(c);
      Object.assign(open, facts, { state: 'firing', clearSince: null });
      // A tick that finds the same condition moves lastSeenAt only: kept in memory (the list shows
      // it: withLastSeen), written with the next change or at stop, so an idle tick writes nothing.
      if (changed) this.write(open);
      else this.seenUnsaved.add(open);
      return;
    }
    const fresh = { event, subject: c.subject, state: 'firing' as const, ...facts, startedAt: now, clearSince: null, resolvedAt: null };
    const incident = this.deps.store.insert(fresh);
    this.open.set(key, incident);
    this.send(incident, 'firing', now);
  }

  private clear(key: string, i: Incident, clearAfterMs: number, now: number): void {
    if (i.state === 'firing') {
      i.state = 'clearing';
      i.clearSince = now;
    }
    if (now - i.clearSince! >= clearAfterMs) this.resolve(key, i, now, false);
    else if (i.clearSince === now) this.write(i);
  }

  /** The listed incidents, each open one with the lastSeenAt of the last tick (not yet written). */
  withLastSeen(views: IncidentView[]): IncidentView[] {
    if (this.seenUnsaved.size === 0) return views;
    const seen = new Map([...this.seenUnsaved].map((i) => [i.id, iso(i.lastSeenAt)]));
    return views.map((v) => (seen.has(v.id) ? { ...v, lastSeenAt: seen.get(v.id)! } : v));
  }

  /** Writes the lastSeenAt that only moved in memory (at stop, so a restart shows when each was last seen). */
  saveLastSeen(): void {
    for (const i of this.seenUnsaved) this.write(i);
  }

  private write(i: Incident): void {
    this.seenUnsaved.delete(i);
    this.deps.store.update(i);
  }

  private resolve(key: string, i: Incident, now: number, ruleOff: boolean): void {
    i.state = 'resolved';
    i.resolvedAt = now;
    this.write(i);
    this.open.delete(key);
    this.send(i, 'resolved', now, ruleOff);
  }

  private send(i: Incident, state: 'firing' | 'resolved', now: number, ruleOff = false): void {
    const message: AlertMessage = {
      incidentId: String(i.id),
      event: i.event,
      state,
      severity: i.severity,
      subject: i.subject,
      title: i.title,
      text: i.text,
      data: i.data,
      link: this.deps.link(i.event),
      startedAt: iso(i.startedAt),
      at: iso(now),
      resolvedAt: state === 'resolved' ? iso(now) : null,
    };
    if (state === 'resolved') Object.assign(message, resolvedTexts(i, now, ruleOff));
    this.deps.sink.send(message);
  }
}

/** A resolved message: "Resolved: <title>", how long it lasted, and the last numbers seen. */
function resolvedTexts(i: Incident, now: number, ruleOff: boolean) {
  const lasted = duration(now - i.startedAt);
  const why = ruleOff ? bi('告警规则已关闭，不再跟踪。', 'The alert rule was turned off: no longer watched.') : bi('', '');
  return {
    title: bi(`已恢复：${i.title.zh}`, `Resolved: ${i.title.en}`),
    text: bi(
      `${why.zh}持续 ${lasted.zh}。最后一次：${i.text.zh}`,
      `${why.en ? why.en + ' ' : ''}Lasted ${lasted.en}. Last seen: ${i.text.en}`,
    ),
  };
}
