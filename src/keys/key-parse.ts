/** Anything that starts like a key: `sk-` not glued to a preceding word, then key characters. */
const CANDIDATE = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9]+/g;
/** What SiliconFlow accepts (SILICONFLOW.md): any `sk-` + 20 or more letters and digits. */
const VALID = /^sk-[A-Za-z0-9]{20,}$/;
/** The shape every observed key has: `sk-` + 48 lowercase letters. Others are kept but reported. */
const USUAL = /^sk-[a-z]{48}$/;

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
  for (const [token] of text.matchAll(CANDIDATE)) {
    if (!VALID.test(token)) {
      result.invalid++;
    } else if (seen.has(token)) {
      result.repeated++;
    } else {
      seen.add(token);
      result.keys.push(token);
      if (!USUAL.test(token)) result.unusual++;
    }
  }
  return result;
}

/** True when a search text is itself a full key, so it can be looked up by hash. */
export const isFullKey = (text: string): boolean => VALID.test(text.trim());
