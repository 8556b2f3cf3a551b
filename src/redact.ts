/** Anything shaped like an API key: `sk-` followed by a long run of key characters. */
const KEY_PATTERN = /sk-[A-Za-z0-9]{8,}/g;

/** Replaces every API-key-shaped token in a string with a masked form, so logs and error texts never carry a key. */
export function redactSecrets(text: string): string {
  return text.replace(KEY_PATTERN, (key) => `sk-${key.slice(3, 7)}…[redacted]`);
}
