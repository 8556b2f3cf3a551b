import type { Nano } from '../ledger/money.js';
import { isAcceptedKey, isUsualKey, keyCandidates } from '../siliconflow/keys.js';
import { validAccount } from './key-account.js';
import { readJsonMentions } from './key-json.js';
import { balanceFigure, readCsvMentions } from './key-table.js';

/** What the pasted text says a key has, in nano-yuan; null = not said. */
export type KeyBalance = { gift: Nano | null; paid: Nano | null };

/** One `sk-…` token in the text, and the balance and the account (as written) beside it, if any. */
export type KeyMention = { token: string; balance?: KeyBalance; account?: string };

export type ParsedKeys = {
  /** Valid keys in paste order, each once. */
  keys: string[];
  /** The balance written beside a key, for the keys that had one (the first mention of a key wins). */
  balances: Map<string, KeyBalance>;
  /** The account named beside a key, valid and trimmed (key-account.ts); the first mention wins, as for balances. */
  accounts: Map<string, string>;
  /** Account names beside a key that are not valid ones: the key is taken without them. */
  badAccounts: number;
  /** Repeats within the paste. */
  repeated: number;
  /** `sk-` tokens too short to be a key. */
  invalid: number;
  /** Valid keys whose shape differs from the usual 48 lowercase letters. */
  unusual: number;
};

/**
 * A line that is a key and one figure: `sk-… 14.00`, `sk-…----14`, `sk-…,14`, `sk-…\t14` (the
 * shapes key sellers and spreadsheets hand out), the figure optionally with ¥ or 元.
 */
const KEY_AND_FIGURE = /^\s*["']?(sk-[A-Za-z0-9]+)["']?\s*(?:-{2,}|[,，;；\t|:：=]|\s)\s*("?[^\s"]+"?(?:\s*(?:元|yuan|CNY|RMB))?)\s*$/i;

/**
 * An account named at the end of a line: `account=…` (or `account:…`, `账户=…`, `账号=…`), after a
 * space, a tab, `----`, a comma or a semicolon: `sk-… account=abc`, `sk-…----14----account=abc`.
 * Tried sticky at the last few markers that start a field (the name itself may hold one, as in
 * `account=my-account`), so a long line costs one pass.
 */
const ACCOUNT_MARKER = /(?<=^|[\s,，;；|-])(?:account|账户|账号)/gi;
const ACCOUNT_FIELD = /(?:account|账户|账号)\s*[=:：]\s*"?([^"\s]*)"?\s*$/iy;
const MARKERS_TRIED = 4;
const FIELD_SEPARATORS = new Set([' ', '\t', '\r', '-', ',', '，', ';', '；', '|']);

/** A line holding one key and nothing else: most of a large import, read without the general rules (~0.2 s a 100,000). */
const BARE_KEY = /^\s*(sk-[A-Za-z0-9]+)\s*$/;

/** The key seller's `sk-…----14----abc`: a key, a figure and an account, joined by `----`. */
const SELLER_FIELDS = /-{2,}/;

/**
 * Pulls every key out of pasted text: one per line, comma or space separated, quoted, or inside
 * prose; with the balance written beside a key on its line, or in the balance columns of a CSV whose
 * header names them (key-table.ts), or in our own JSON export (key-json.ts); and the account named
 * the same ways.
 */
export function extractKeys(text: string): ParsedKeys {
  const seen = new Set<string>();
  const result: ParsedKeys = { keys: [], balances: new Map(), accounts: new Map(), badAccounts: 0, repeated: 0, invalid: 0, unusual: 0 };
  for (const { token, balance, account } of readJsonMentions(text) ?? readCsvMentions(text) ?? lineMentions(text)) {
    if (!isAcceptedKey(token)) {
      result.invalid++;
    } else if (seen.has(token)) {
      result.repeated++;
    } else {
      seen.add(token);
      result.keys.push(token);
      if (balance) result.balances.set(token, balance);
      const name = account === undefined ? undefined : validAccount(account);
      if (name !== undefined) result.accounts.set(token, name);
      else if (account !== undefined) result.badAccounts++;
      if (!isUsualKey(token)) result.unusual++;
    }
  }
  return result;
}

/**
 * The keys of free text, line by line; a line holding just a key and a figure gives that key a
 * balance, and a line holding one key and an account (ACCOUNT_FIELD, SELLER_FIELDS) that account.
 */
function* lineMentions(text: string): Generator<KeyMention> {
  for (const full of text.split('\n')) {
    // The usual paste, a key alone on its line, is what the general reading below finds in it too.
    const bare = BARE_KEY.exec(full);
    if (bare) {
      yield { token: bare[1]! };
      continue;
    }
    const { line, account } = accountOfLine(full);
    const match = KEY_AND_FIGURE.exec(line);
    const gift = match ? balanceFigure(match[2]!) : undefined;
    const tokens = match && gift !== undefined ? [match[1]!] : [...keyCandidates(line)];
    // A line with several keys gives none of them its account: which one it belongs to is a guess.
    const named = account !== undefined && tokens.length === 1 ? { account } : {};
    // A lone figure is the key's gift credit (what a new account gets), with no paid credit beside it.
    if (match && gift !== undefined) yield { token: match[1]!, balance: { gift, paid: 0 }, ...named };
    else for (const token of tokens) yield { token, ...named };
  }
}

/** The line without the account named at its end, and that account as written (undefined: none). */
function accountOfLine(line: string): { line: string; account?: string } {
  const field = accountField(line);
  if (field) return field;
  // Split on the dashes alone and trim each part: `\s*-{2,}\s*` is quadratic over a long run of spaces.
  const parts = line.split(SELLER_FIELDS).map((part) => part.trim());
  if (parts.length === 3 && balanceFigure(parts[1]!) !== undefined && isAcceptedKey(parts[0]!.replace(/^["']|["']$/g, ''))) {
    return { line: `${parts[0]}----${parts[1]}`, account: parts[2]! };
  }
  return { line };
}

/** `account=…` as the last field of the line: the line before it (separators dropped) and the name. */
function accountField(line: string): { line: string; account: string } | null {
  const markers = [...line.matchAll(ACCOUNT_MARKER)].map((m) => m.index).slice(-MARKERS_TRIED);
  let at = -1;
  let match: RegExpExecArray | null = null;
  while (!match && markers.length) {
    at = markers.pop()!;
    ACCOUNT_FIELD.lastIndex = at;
    match = ACCOUNT_FIELD.exec(line);
  }
  if (!match) return null;
  let end = at;
  while (end > 0 && FIELD_SEPARATORS.has(line[end - 1]!)) end--;
  return { line: line.slice(0, end), account: match[1]! };
}

/** True when a search text is itself a full key, so it can be looked up by hash. */
export const isFullKey = (text: string): boolean => isAcceptedKey(text.trim());
