import { balanceFigure } from './key-table.js';
import type { KeyMention } from './key-parse.js';

type ExportedItem = { key: string; giftBalance?: unknown; chargeBalance?: unknown; account?: unknown };

/**
 * The keys of our own JSON export (an array of objects, each with its `key`), with the balances
 * (`giftBalance`, `chargeBalance`, yuan) and the `account` it lists, so the export imports back as
 * the CSV does; null when the text is not such an array (it is then read as free text).
 */
export function readJsonMentions(text: string): KeyMention[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return null;
  let items: unknown;
  try {
    items = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!Array.isArray(items) || items.length === 0 || !items.every(isExportedItem)) return null;
  return items.map((item) => {
    const gift = yuanOf(item.giftBalance);
    const paid = yuanOf(item.chargeBalance);
    const balance = gift === null && paid === null ? {} : { balance: { gift, paid } };
    const account = typeof item.account === 'string' && item.account !== '' ? { account: item.account } : {};
    return { token: item.key.trim(), ...balance, ...account };
  });
}

function isExportedItem(value: unknown): value is ExportedItem {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string';
}

/** A balance as the export writes it (yuan, a number or null) in n¥; null when there is none. */
function yuanOf(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  return balanceFigure(String(value)) ?? null;
}
