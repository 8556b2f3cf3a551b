// Released migrations are never edited: add a new numbered file instead.
// Self-issued client keys (issue 12, guestSelfService): a guest or visitor made the key for themselves
// from the admin's preset. `issued_to` is a keyed hash of the address it was made from (never the
// address), so the per-address limit holds across restarts without the database keeping who it was.
export default /* sql */ `
ALTER TABLE clients ADD COLUMN self_issued INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN issued_to TEXT;
CREATE INDEX clients_issued_to ON clients (issued_to, created_at) WHERE issued_to IS NOT NULL;
`;
