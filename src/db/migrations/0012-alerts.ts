// Released migrations are never edited: add a new numbered file instead.
// Issue 14, alert engine: the admin's changes to each alert rule (a rule without a row has the
// defaults of src/alerts/alert-rules.ts, so a fresh database has every rule), and the incidents, so
// a restart neither sends a firing alert again nor forgets to resolve it.
export default /* sql */ `
CREATE TABLE alert_rules (
  event           TEXT    PRIMARY KEY,
  enabled         INTEGER NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  clear_after_s   INTEGER NOT NULL,
  params          TEXT    NOT NULL   -- JSON: the event's parameters
);
CREATE TABLE alert_incidents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  event        TEXT    NOT NULL,
  subject      TEXT    NOT NULL,
  severity     TEXT    NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('firing', 'clearing', 'resolved')),
  title        TEXT    NOT NULL,   -- JSON {zh, en}
  text         TEXT    NOT NULL,   -- JSON {zh, en}
  data         TEXT    NOT NULL,   -- JSON: the numbers behind it
  started_at   INTEGER NOT NULL,   -- ms since epoch
  last_seen_at INTEGER NOT NULL,
  clear_since  INTEGER,
  resolved_at  INTEGER
);
-- At most one open (firing or clearing) incident per event and subject.
CREATE UNIQUE INDEX alert_incidents_open ON alert_incidents (event, subject) WHERE state != 'resolved';
CREATE INDEX alert_incidents_state ON alert_incidents (state, id);
`;
