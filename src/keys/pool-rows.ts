import type { Statement } from 'better-sqlite3';
import { POOL_COLUMNS, type PoolRow } from './key-types.js';

/**
 * Rows per page. Each page's ciphers come as one hex string: at 500 rows it stays under V8's
 * large-object size (~128 KiB), so it dies young instead of waiting in the large-object space
 * for a full collection (an idle server runs none).
 */
const PAGE_ROWS = 500;

/** A pool row's values in POOL_COLUMNS' order, with the cipher's length where the cipher stands. */
type PageValues = { [I in keyof typeof POOL_COLUMNS]: I extends '1' ? number : PoolRow[(typeof POOL_COLUMNS)[I] & keyof PoolRow] };

/**
 * The pool's columns of every key (or of these ids), in id order, a page at a time. A page is one
 * SQL row: its keys as one JSON array and their ciphers as one hex string, which JSON.parse and
 * Buffer.from turn into values far faster than better-sqlite3 builds 500 rows and 500 Buffers
 * (100,000 keys: 2-3x faster, measured here). Ids to read travel as JSON, a page's worth at a time.
 */
export function* readPoolRows(prepare: (sql: string) => Statement<unknown[]>, ids?: readonly number[]): Generator<PoolRow> {
  const values = POOL_COLUMNS.map((c) => (c === 'key_cipher' ? 'length(key_cipher)' : c)).join(', ');
  const page = (where: string) =>
    prepare(
      `SELECT json_group_array(json_array(${values})) AS rows, group_concat(hex(key_cipher), '') AS ciphers
       FROM (SELECT ${POOL_COLUMNS.join(', ')} FROM keys WHERE ${where} ORDER BY id LIMIT ${PAGE_ROWS})`,
    );
  if (!ids) {
    // Every key: the next page starts after the last id read.
    const next = page('id > ?');
    for (let after = Number.MIN_SAFE_INTEGER, read = PAGE_ROWS; read === PAGE_ROWS;) {
      const rows = pageRows(next.get(after));
      yield* rows;
      read = rows.length;
      after = rows.at(-1)?.id ?? after;
    }
    return;
  }
  // These ids, a slice at a time: each page's query reads only its own slice of the id list.
  const slice = page('id IN (SELECT value FROM json_each(?))');
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i += PAGE_ROWS) yield* pageRows(slice.get(JSON.stringify(sorted.slice(i, i + PAGE_ROWS))));
}

/** A page's keys, each with its cipher cut from the page's bytes. */
function pageRows(page: unknown): PoolRow[] {
  const { rows, ciphers } = page as { rows: string; ciphers: string | null };
  const bytes = Buffer.from(ciphers ?? '', 'hex');
  let at = 0;
  return (JSON.parse(rows) as PageValues[]).map((v) => {
    const row = poolRow(v, bytes.subarray(at, at + v[1]));
    at += v[1];
    return row;
  });
}

function poolRow(v: PageValues, cipher: Buffer): PoolRow {
  return {
    id: v[0],
    key_cipher: cipher,
    enabled: v[2],
    status: v[3],
    anchor_gift_nano: v[4],
    anchor_paid_nano: v[5],
    anchor_at: v[6],
    anchor_source: v[7],
    spent_gift_nano: v[8],
    spent_paid_nano: v[9],
    spent_unsplit_nano: v[10],
    lacks_paid_at: v[11],
    usage_count: v[12],
    failure_count: v[13],
    last_used_at: v[14],
    account: v[15],
  };
}
