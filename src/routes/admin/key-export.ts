import type { Response } from 'express';
import type { ExportedKey } from '../../keys/key-service.js';
import { csvField } from './csv.js';

/** `account` last, so a sheet that reads the older columns by position still does; the import reads it back (key-table.ts). */
const CSV_COLUMNS = [
  'id',
  'key',
  'status',
  'note',
  'giftBalance',
  'chargeBalance',
  'totalBalance',
  'lastCheckedAt',
  'createdAt',
  'account',
] as const;

/** Sends the admin's export as a download: txt (one key a line), csv, or json. */
export function sendExport(res: Response, format: 'txt' | 'csv' | 'json', exported: ExportedKey[]): void {
  const date = new Date().toISOString().slice(0, 10);
  res.attachment(`siliconflow-keys-${date}.${format}`);
  res.set('Cache-Control', 'no-store');
  if (format === 'txt') {
    res.type('text/plain; charset=utf-8').send(exported.map((e) => e.key).join('\n') + (exported.length ? '\n' : ''));
  } else if (format === 'csv') {
    const rows = exported.map(({ key, view }) => CSV_COLUMNS.map((c) => csvField(c === 'key' ? key : view[c])).join(','));
    res.type('text/csv; charset=utf-8').send([CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n');
  } else {
    res.type('application/json').send(
      JSON.stringify(
        exported.map(({ key, view }) => ({ ...view, key })),
        null,
        2,
      ),
    );
  }
}
