// Released migrations are never edited: add a new numbered file instead.
// Model aliases (issue 13): a request that named an alias (MODEL_ALIASES) is logged under the
// SiliconFlow model it was sent with (`model`, what spend and prices group by) and the alias it named.
export default /* sql */ `
ALTER TABLE request_logs ADD COLUMN requested_model TEXT;
`;
