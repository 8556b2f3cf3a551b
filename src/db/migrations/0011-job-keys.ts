// Jobs that belong to one key (issue 13): files, batches and video jobs can only be reached later
// with a key of the account that made them, so the proxy remembers which key made each. No foreign
// key on key_id: a deleted key's jobs stay, so a call about one is answered 410 rather than sent to
// the pool. key_hash is the key's own (keys.key_hash): an id a later key reuses is not the job's key.
// client_id: the client key that made the job, the only one that may ask about it. Rows are pruned
// by housekeeping after JOB_KEY_RETENTION_DAYS (src/keys/job-key-store.ts).
export default /* sql */ `
CREATE TABLE job_keys (
  job_id     TEXT    PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('file', 'batch', 'video')),
  key_id     INTEGER NOT NULL,
  key_hash   TEXT    NOT NULL,
  client_id  INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX job_keys_created ON job_keys (created_at);
`;
