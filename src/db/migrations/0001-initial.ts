// Released migrations are never edited: add a new numbered file instead.
export default /* sql */ `
CREATE TABLE keys (
  id              INTEGER PRIMARY KEY,
  key_cipher      BLOB    NOT NULL,            -- AES-256-GCM: iv ‖ tag ‖ ciphertext
  key_hash        TEXT    NOT NULL UNIQUE,     -- HMAC-SHA256, for de-duplication
  masked          TEXT    NOT NULL,            -- sk-abcd…wxyz
  note            TEXT    NOT NULL DEFAULT '',
  enabled         INTEGER NOT NULL DEFAULT 1,  -- the admin's switch; shown as status "disabled" when 0
  status          TEXT    NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'exhausted', 'invalid', 'cooling', 'error')),
  gift_balance    REAL,                        -- NULL = unknown
  charge_balance  REAL,
  total_balance   REAL,
  last_checked_at INTEGER,                     -- ms since epoch
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  usage_count     INTEGER NOT NULL DEFAULT 0,
  failure_count   INTEGER NOT NULL DEFAULT 0,
  last_used_at    INTEGER
);
CREATE INDEX keys_status ON keys (enabled, status);

-- Values the admin changed at runtime; they win over the environment (see settings-service).
CREATE TABLE settings (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,                    -- JSON
  updated_at INTEGER NOT NULL
);

-- Internal state: the admin password hash, the generated access key, the encryption check value.
CREATE TABLE app_state (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

CREATE TABLE sessions (
  sid     TEXT PRIMARY KEY,
  sess    TEXT NOT NULL,
  expires INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);
`;
