// Released migrations are never edited: add a new numbered file instead.
// Cooling per account × model (issue 13): a 429 keeps one SiliconFlow account from one model until
// the limit it named resets — for RPD until China midnight, so it has to outlive a restart. `model`
// is '' for requests that name none. Written behind by the proxy (src/proxy/pool/cooling-sync.ts);
// rows past `until` are deleted. A key's own status is no longer 'cooling': keys stored so before
// come back as 'active' (their account may cool again at its next 429).
export default /* sql */ `
CREATE TABLE account_cooling (
  account     TEXT    NOT NULL,            -- accountOf(key): the stored account, or 'key:<id>' when unknown
  model       TEXT    NOT NULL,
  until       INTEGER NOT NULL,            -- ms since epoch
  limit_name  TEXT,                        -- RPM, RPH, RPD, TPM, TPD, IPM, IPD; NULL = none named
  reason      TEXT    NOT NULL,
  PRIMARY KEY (account, model)
) WITHOUT ROWID;
UPDATE keys SET status = 'active', cooling_until = NULL WHERE status = 'cooling';
`;
