// Released migrations are never edited: add a new numbered file instead.
// One row per client request to /v1 (never the key itself: key_id only).
export default /* sql */ `
CREATE TABLE request_logs (
  id                INTEGER PRIMARY KEY,
  time              INTEGER NOT NULL,   -- ms since epoch, when the request arrived
  method            TEXT    NOT NULL,
  path              TEXT    NOT NULL,   -- without the query string
  model             TEXT,
  stream            INTEGER NOT NULL DEFAULT 0,
  status            INTEGER NOT NULL,   -- what the client got
  key_id            INTEGER,            -- the pool key that served it (last one tried)
  attempts          INTEGER NOT NULL DEFAULT 0,
  first_byte_ms     INTEGER,
  total_ms          INTEGER NOT NULL,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  total_tokens      INTEGER,
  error_class       TEXT
);
CREATE INDEX request_logs_time ON request_logs (time);
CREATE INDEX request_logs_model_time ON request_logs (model, time);
`;
