// Released migrations are never edited: add a new numbered file instead.
// Client keys (issue 12): one access key per person or app, each with its own limits. A key is kept
// only as a keyed hash (HMAC-SHA256, src/clients/client-secret.ts) and a masked form, so a copy of the
// database does not hold a usable key. Deleted clients keep their row (deleted_at set), so the request
// log still names them. Row 0 is the admin's own key (AUTH_API_KEY or the generated one), unlimited;
// its secret lives in app_state, not here.
export default /* sql */ `
CREATE TABLE clients (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  note            TEXT    NOT NULL DEFAULT '',
  key_hash        TEXT    UNIQUE,               -- HMAC-SHA256 of the key; NULL for the admin's key (row 0)
  masked          TEXT    NOT NULL,             -- sfm-abcd…wxyz
  enabled         INTEGER NOT NULL DEFAULT 1,
  expires_at      INTEGER,                      -- ms since epoch; NULL = never
  models          TEXT    NOT NULL DEFAULT '[]',-- JSON array of exact names and prefix/* patterns; [] = every model
  free_only       INTEGER NOT NULL DEFAULT 0,   -- only the pool's FREE_MODELS (on top of models)
  budget_day      INTEGER,                      -- n¥ per China day; NULL = no limit
  budget_month    INTEGER,                      -- n¥ per China month
  budget_total    INTEGER,                      -- n¥ over the key's life
  rpm             INTEGER,                      -- requests per sliding minute; NULL = no limit
  max_concurrent  INTEGER,                      -- requests in flight at once; NULL = no limit
  allowed_ips     TEXT    NOT NULL DEFAULT '[]',-- JSON array of addresses and CIDR ranges; [] = any
  created_at      INTEGER NOT NULL,
  deleted_at      INTEGER,
  -- Usage, written behind by the proxy (src/clients/client-sync.ts): totals, and the current China
  -- day and month, each with the period it belongs to (day: days since the epoch; month: year*12+month).
  spent_total     INTEGER NOT NULL DEFAULT 0,
  requests_total  INTEGER NOT NULL DEFAULT 0,
  tokens_total    INTEGER NOT NULL DEFAULT 0,
  day             INTEGER NOT NULL DEFAULT 0,
  spent_day       INTEGER NOT NULL DEFAULT 0,
  requests_day    INTEGER NOT NULL DEFAULT 0,
  tokens_day      INTEGER NOT NULL DEFAULT 0,
  month           INTEGER NOT NULL DEFAULT 0,
  spent_month     INTEGER NOT NULL DEFAULT 0,
  requests_month  INTEGER NOT NULL DEFAULT 0,
  tokens_month    INTEGER NOT NULL DEFAULT 0,
  last_used_at    INTEGER
);
INSERT INTO clients (id, name, masked, created_at) VALUES (0, 'default', 'sfm-…', CAST(unixepoch('subsec') * 1000 AS INTEGER));

-- The client key that made the request: 0 (the admin's key) for every row logged before client keys
-- existed, NULL for a request no key was accepted for. A constant default adds the column without
-- rewriting the table.
ALTER TABLE request_logs ADD COLUMN client_id INTEGER DEFAULT 0;
CREATE INDEX request_logs_client_time ON request_logs (client_id, time);
`;
