import type { Db } from '../db/database.js';
import type { AlertRule } from './alert-rules.js';
import type { AlertEvent, Severity } from './alert-types.js';

type RuleRow = { event: AlertEvent; enabled: number; severity: Severity; clear_after_s: number; params: string };

/** The `alert_rules` table: a row per rule the admin changed (a rule without one has its defaults). */
export class RuleStore {
  private readonly allStmt;
  private readonly saveStmt;

  constructor(db: Db) {
    this.allStmt = db.prepare('SELECT * FROM alert_rules');
    this.saveStmt = db.prepare(
      `INSERT INTO alert_rules (event, enabled, severity, clear_after_s, params) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (event) DO UPDATE SET enabled = excluded.enabled, severity = excluded.severity,
         clear_after_s = excluded.clear_after_s, params = excluded.params`,
    );
  }

  /** The stored rules, by event; their params as stored (the caller merges them over the defaults). */
  all(): Map<AlertEvent, AlertRule<Record<string, unknown>>> {
    const rows = this.allStmt.all() as RuleRow[];
    return new Map(
      rows.map((r) => [
        r.event,
        {
          event: r.event,
          enabled: r.enabled === 1,
          severity: r.severity,
          clearAfterSeconds: r.clear_after_s,
          params: JSON.parse(r.params) as Record<string, unknown>,
        },
      ]),
    );
  }

  save(rule: AlertRule): void {
    this.saveStmt.run(rule.event, rule.enabled ? 1 : 0, rule.severity, rule.clearAfterSeconds, JSON.stringify(rule.params));
  }
}
