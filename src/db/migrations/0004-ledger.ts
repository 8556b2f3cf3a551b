// Released migrations are never edited: add a new numbered file instead.
// The spend ledger (docs/ledger.md): a key's money is an anchor — what was known, when, from whom —
// plus what the proxy has seen it spend since, in integer nano-yuan (1 ¥ = 10⁹). The balances the
// checks recorded as REAL yuan become exact user/info anchors, and the REAL columns go.
export default /* sql */ `
ALTER TABLE keys ADD COLUMN anchor_gift_nano INTEGER;                     -- gift credit at the anchor; NULL = unknown
ALTER TABLE keys ADD COLUMN anchor_paid_nano INTEGER;                     -- paid credit at the anchor; NULL = unknown
ALTER TABLE keys ADD COLUMN anchor_at INTEGER;                            -- ms since epoch; NULL = no anchor
ALTER TABLE keys ADD COLUMN anchor_source TEXT;                           -- user-info | signal | admin | top-up | import
ALTER TABLE keys ADD COLUMN spent_gift_nano INTEGER NOT NULL DEFAULT 0;   -- spent from gift credit since the anchor
ALTER TABLE keys ADD COLUMN spent_paid_nano INTEGER NOT NULL DEFAULT 0;   -- spent from paid credit since the anchor
ALTER TABLE keys ADD COLUMN spent_unsplit_nano INTEGER NOT NULL DEFAULT 0; -- spent, credit unknown (gift credit unknown)
ALTER TABLE keys ADD COLUMN paid_found_at INTEGER;                        -- a Pro/ call succeeded while no paid credit was known
ALTER TABLE keys ADD COLUMN lacks_paid_at INTEGER;                        -- when 30011 was last answered (retried later)

UPDATE keys SET
  anchor_gift_nano = CAST(ROUND(COALESCE(gift_balance, 0) * 100) AS INTEGER) * 10000000,
  anchor_paid_nano = CAST(ROUND(COALESCE(charge_balance, 0) * 100) AS INTEGER) * 10000000,
  anchor_at = COALESCE(last_checked_at, created_at),
  anchor_source = 'user-info'
WHERE total_balance IS NOT NULL;
UPDATE keys SET lacks_paid_at = COALESCE(last_used_at, created_at) WHERE lacks_paid = 1;

ALTER TABLE keys DROP COLUMN gift_balance;
ALTER TABLE keys DROP COLUMN charge_balance;
ALTER TABLE keys DROP COLUMN total_balance;

ALTER TABLE request_logs ADD COLUMN cost_nano INTEGER;  -- what the request cost; NULL = unknown (no price, no usage)
ALTER TABLE request_logs ADD COLUMN gift_nano INTEGER;  -- the part paid from gift credit; NULL = unknown
ALTER TABLE request_logs ADD COLUMN paid_nano INTEGER;  -- the part paid from paid credit; NULL = unknown
CREATE INDEX request_logs_key_time ON request_logs (key_id, time);

-- Prices the admin set or added; they win over the shipped table (src/siliconflow/prices.json).
CREATE TABLE prices (
  model      TEXT PRIMARY KEY,
  price      TEXT NOT NULL,     -- JSON: {unit, input?, output?, price?}, yuan as decimal strings
  updated_at INTEGER NOT NULL
);
`;
