/**
 * What a SiliconFlow API key looks like (docs/siliconflow.md, "Keys and authentication"). Every key
 * seen is `sk-` + 48 lowercase letters, but that is observed, not documented: any `sk-` + 20 or more
 * letters and digits is accepted, and the unusual shapes are reported.
 */

/** Anything that starts like a key: `sk-` not glued to a preceding word, then key characters. */
const CANDIDATE = /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9]+/g;
const ACCEPTED = /^sk-[A-Za-z0-9]{20,}$/;
const USUAL = /^sk-[a-z]{48}$/;
/**
 * Key-shaped text for redaction: 8 characters after `sk-` are enough, fewer than an accepted key
 * needs, so a key cut short (a truncated message, a log line) is masked too.
 */
const KEY_LIKE = /sk-[A-Za-z0-9]{8,}/g;

/** Every `sk-…` token in a text, in order, valid or not. */
export function* keyCandidates(text: string): Generator<string> {
  for (const [token] of text.matchAll(CANDIDATE)) yield token;
}

/** A shape SiliconFlow accepts. */
export const isAcceptedKey = (token: string): boolean => ACCEPTED.test(token);

/** The shape every observed key has. */
export const isUsualKey = (token: string): boolean => USUAL.test(token);

/** The text with every key-shaped run replaced by what `mask` makes of it. */
export function replaceKeyLike(text: string, mask: (keyLike: string) => string): string {
  return text.replace(KEY_LIKE, mask);
}
