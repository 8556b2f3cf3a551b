// The spend of each minute, pool-wide (issue 15): the runway divides the pool's money by the last
// 24 hours' spend, and summing that from request_logs read every request of the day — 0.6-0.8 s at
// 300,000 requests, tens of seconds on a busy day — on the alert tick, each /metrics scrape and each
// page that shows the runway, blocking the proxy meanwhile. RequestLogStore adds each batch it writes
// to its minutes here; a reading sums at most 1,440 rows. Only the credit the ledger could split is
// summed (gift_nano, paid_nano): an unsplit cost draws on money no sum holds. Filled from the last
// 25 hours of request_logs once, here; pruned with them.
export default /* sql */ `
CREATE TABLE spend_minutes (
  minute    INTEGER PRIMARY KEY,
  gift_nano INTEGER NOT NULL DEFAULT 0,
  paid_nano INTEGER NOT NULL DEFAULT 0
);
INSERT INTO spend_minutes (minute, gift_nano, paid_nano)
  SELECT time - time % 60000, COALESCE(SUM(gift_nano), 0), COALESCE(SUM(paid_nano), 0)
  FROM request_logs
  WHERE time >= CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 25 * 3600000 AND key_id IS NOT NULL
  GROUP BY time - time % 60000;
`;
