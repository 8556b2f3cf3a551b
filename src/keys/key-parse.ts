import type { Nano } from '../ledger/money.js';
import { isAcceptedKey, isUsualKey, keyCandidates } from '../siliconflow/keys.js';
import { balanceFigure, readCsvMentions } from './key-table.js';

/** What the pasted text says a key has, in nano-yuan; null = not said. */
export type KeyBalance = { gift: Nano | null; paid: Nano | null };

/** One `sk-…` token in the text, and the balance written beside it, if any. */
export type KeyMention = { token: string; balance?: KeyBalance };

export type ParsedKeys = {
  /** Valid keys in paste order, each once. */
  keys: string[];
  /** The balance written beside a key, for the keys that had one (the first mention of a key wins). */
  balances: Map<string, KeyBalance>;
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
 * Pulls every key out of pasted text: one per line, comma or space separated, quoted, or inside
 * prose; with the balance written beside a key on its line, or in the balance columns of a CSV whose
 * header names them (key-table.ts).
 */
export function extractKeys(text: string): ParsedKeys {
  const seen = new Set<string>();
  const result: ParsedKeys = { keys: [], balances: new Map(), repeated: 0, invalid: 0, unusual: 0 };
  for (const { token, balance } of readCsvMentions(text) ?? lineMentions(text)) {
    if (!isAcceptedKey(token)) {
      result.invalid++;
    } else if (seen.has(token)) {
      result.repeated++;
    } else {
      seen.add(token);
      result.keys.push(token);
      if (balance) result.balances.set(token, balance);
      if (!isUsualKey(token)) result.unusual++;
    }
  }
  return result;
}

/** The keys of free text, line by line; a line holding just a key and a figure gives that key a balance. */
function* lineMentions(text: string): Generator<KeyMention> {
  for (const line of text.split('\n')) {
    const match = KEY_AND_FIGURE.exec(line);
    const gift = match ? balanceFigure(match[2]!) : undefined;
    // A lone figure is the key's gift credit (what a new account gets), with no paid credit beside it.
    if (match && gift !== undefined) yield { token: match[1]!, balance: { gift, paid: 0 } };
    else for (const token of keyCandidates(line)) yield { token };
  }
}

/** True when a search text is itself a full key, so it can be looked up by hash. */
export const isFullKey = (text: string): boolean => isAcceptedKey(text.trim());
