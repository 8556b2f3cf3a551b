import { isAcceptedKey, isUsualKey, keyCandidates } from '../siliconflow/keys.js';

export type ParsedKeys = {
  /** Valid keys in paste order, each once. */
  keys: string[];
  /** Repeats within the paste. */
  repeated: number;
  /** `sk-` tokens too short to be a key. */
  invalid: number;
  /** Valid keys whose shape differs from the usual 48 lowercase letters. */
  unusual: number;
};

/** Pulls every key out of pasted text: one per line, comma or space separated, quoted, or inside prose. */
export function extractKeys(text: string): ParsedKeys {
  const seen = new Set<string>();
  const result: ParsedKeys = { keys: [], repeated: 0, invalid: 0, unusual: 0 };
  for (const token of keyCandidates(text)) {
    if (!isAcceptedKey(token)) {
      result.invalid++;
    } else if (seen.has(token)) {
      result.repeated++;
    } else {
      seen.add(token);
      result.keys.push(token);
      if (!isUsualKey(token)) result.unusual++;
    }
  }
  return result;
}

/** True when a search text is itself a full key, so it can be looked up by hash. */
export const isFullKey = (text: string): boolean => isAcceptedKey(text.trim());
