// Released migrations are never edited: add a new numbered file instead.
// State the /v1 proxy learns about a key from real calls.
export default /* sql */ `
ALTER TABLE keys ADD COLUMN cooling_until INTEGER;                 -- ms since epoch; status 'cooling' until then
ALTER TABLE keys ADD COLUMN lacks_paid INTEGER NOT NULL DEFAULT 0; -- answered 30011: gift credit only, no Pro/ models
`;
