// Released migrations are never edited: add a new numbered file instead.
// Issue 13: every change of a key's public status, with its reason and who made it. Deleted with the
// key: key ids are an INTEGER PRIMARY KEY without AUTOINCREMENT, so a deleted key's id can be given
// to the next key imported, which must not inherit its history. Bounded to the last 200 per key
// (KeyEventStore prunes on insert).
export default /* sql */ `
CREATE TABLE key_events (
  id          INTEGER PRIMARY KEY,
  key_id      INTEGER NOT NULL REFERENCES keys (id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,   -- ms since epoch
  from_status TEXT    NOT NULL,   -- public status: a key status, or 'disabled'
  to_status   TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  source      TEXT    NOT NULL CHECK (source IN ('proxy', 'check', 'admin', 'recovery'))
);
CREATE INDEX key_events_key_at ON key_events (key_id, at, id);
`;
