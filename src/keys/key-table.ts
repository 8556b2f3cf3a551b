import { NANO_PER_YUAN, parseYuan, type Nano } from '../ledger/money.js';
import { keyCandidates } from '../siliconflow/keys.js';
import type { KeyBalance, KeyMention } from './key-parse.js';

/** A figure beyond ±1,000,000 yuan is no key's balance (and the sums stay exact integers). */
export const MAX_BALANCE_NANO = 1_000_000 * NANO_PER_YUAN;

/**
 * Header names of the balance columns and of the account column, compared lowercased without spaces, `_` and `-`. `balance` is
 * gift credit, as in SiliconFlow's user/info (balance, chargeBalance, totalBalance), so our own CSV
 * export reads back as gift and paid. A total (余额, as the console shows it) is gift credit unless a
 * paid column stands beside it: then gift = total − paid.
 */
const COLUMN_NAMES: Record<string, ColumnKind> = {
  gift: 'gift',
  giftbalance: 'gift',
  balance: 'gift',
  赠送余额: 'gift',
  赠金: 'gift',
  赠金余额: 'gift',
  paid: 'paid',
  paidbalance: 'paid',
  charge: 'paid',
  chargebalance: 'paid',
  充值余额: 'paid',
  充值: 'paid',
  total: 'total',
  totalbalance: 'total',
  余额: 'total',
  总余额: 'total',
  账户余额: 'total',
  // The SiliconFlow account a key belongs to (user/info's data.id, our own export's `account`).
  account: 'account',
  accountid: 'account',
  userid: 'account',
  账户: 'account',
  账号: 'account',
  账户id: 'account',
  账号id: 'account',
  用户id: 'account',
};
type ColumnKind = 'gift' | 'paid' | 'total' | 'account';
type Columns = Partial<Record<ColumnKind, number>>;

const MAX_HEADER_CELL = 40;

/** A figure as people write it beside a key: `14`, `14.00`, `¥14`, `14 元`, `"14"`. Undefined when it is none. */
export function balanceFigure(text: string): Nano | undefined {
  const bare = text
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^[¥￥]\s*/, '')
    .replace(/\s*(?:元|yuan|CNY|RMB)$/i, '');
  const nano = parseYuan(bare);
  return nano !== undefined && Math.abs(nano) <= MAX_BALANCE_NANO ? nano : undefined;
}

/**
 * The keys of a CSV (or tab-separated) table whose first line is a header naming a balance or an
 * account column (`key,balance`, `key,gift,paid`, `密钥,赠送余额,充值余额`, `key,account`), with each
 * row's balance and account; null when the text is not such a table. A row's key is the `sk-…` token
 * in it, whichever its column; an empty account cell names none.
 */
export function readCsvMentions(text: string): KeyMention[] | null {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (firstLine.trim() === '' || keyCandidates(firstLine).next().done === false) return null;
  const delimiter = firstLine.includes('\t') ? '\t' : firstLine.includes(',') ? ',' : firstLine.includes(';') ? ';' : null;
  if (!delimiter) return null;
  const [header, ...rows] = csvRecords(text, delimiter);
  const columns = balanceColumns(header!);
  if (!columns) return null;
  return rows.flatMap((cells) => {
    const tokens = cells.flatMap((cell) => [...keyCandidates(cell)]);
    // A row holding several keys gives none of them a balance: which one it belongs to is a guess.
    if (tokens.length !== 1) return tokens.map((token) => ({ token }));
    const balance = rowBalance(cells, columns);
    // Our export guards a cell a spreadsheet would run as a formula with an apostrophe (routes/admin/csv.ts).
    const account = columns.account === undefined ? '' : (cells[columns.account] ?? '').replace(/^'(?=[=+\-@])/, '');
    return [{ token: tokens[0]!, ...(balance && { balance }), ...(account !== '' && { account }) }];
  });
}

function balanceColumns(header: string[]): Columns | null {
  if (header.length < 2 || header.some((cell) => cell.length > MAX_HEADER_CELL)) return null;
  const columns: Columns = {};
  header.forEach((cell, i) => {
    const kind =
      COLUMN_NAMES[
        cell
          .replace(/^\uFEFF/, '')
          .replace(/[\s_-]/g, '')
          .toLowerCase()
      ];
    if (kind && columns[kind] === undefined) columns[kind] = i;
  });
  return Object.keys(columns).length ? columns : null;
}

/** Gift and paid credit of one row; undefined when none of its balance cells holds a figure. */
function rowBalance(cells: string[], columns: Columns): KeyBalance | undefined {
  const at = (i: number | undefined) => (i === undefined ? undefined : balanceFigure(cells[i] ?? ''));
  const paid = at(columns.paid);
  const total = columns.gift === undefined ? at(columns.total) : undefined;
  const gift = columns.gift === undefined ? (total === undefined ? undefined : total - (paid ?? 0)) : at(columns.gift);
  if (gift === undefined && paid === undefined) return undefined;
  // A table without a paid column gives a key's one figure, as a line does: gift credit, nothing paid.
  return { gift: gift ?? null, paid: paid ?? (columns.paid === undefined ? 0 : null) };
}

/** RFC 4180 records: quoted fields may hold the delimiter, `""` and line breaks. */
function csvRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') cell += text[++i];
      else quoted = false;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delimiter || c === '\n') {
      cells.push(cell.trim());
      cell = '';
      if (c === '\n') records.push(cells.splice(0));
    } else if (c !== '\r') {
      cell += c;
    }
  }
  if (cell.trim() !== '' || cells.length) records.push([...cells, cell.trim()]);
  return records;
}
