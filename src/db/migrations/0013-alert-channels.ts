// Issue 14, delivery: where alerts go (alert_channels) and what was sent there (alert_deliveries).
// A channel's URL and signing secret are encrypted like the keys (KeyCipher): a bot URL carries its
// token, so the URL is a secret too. A delivery keeps the channel's name and is kept when the channel
// is deleted (channel_id becomes NULL), so the log still says where it went. `message` is the
// AlertMessage only, never the URL or the secret. Times are ms since the epoch. The log is bounded
// (DeliveryStore prunes on insert).
export default /* sql */ `
CREATE TABLE alert_channels (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL,
  type         TEXT    NOT NULL CHECK (type IN ('webhook', 'wecom', 'dingtalk', 'feishu', 'bark', 'ntfy')),
  url_enc      BLOB    NOT NULL,
  secret_enc   BLOB,
  events       TEXT,               -- JSON array of AlertEvent; NULL = every event
  min_severity TEXT    NOT NULL CHECK (min_severity IN ('info', 'warning', 'critical')),
  enabled      INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE alert_deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  channel_id      INTEGER REFERENCES alert_channels (id) ON DELETE SET NULL,
  channel_name    TEXT    NOT NULL,
  event           TEXT    NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('firing', 'resolved', 'test')),
  incident_id     TEXT    NOT NULL,
  severity        TEXT    NOT NULL,
  message         TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  last_attempt_at INTEGER,
  next_attempt_at INTEGER,
  sent_at         INTEGER
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (status, next_attempt_at);
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, id);
`;
