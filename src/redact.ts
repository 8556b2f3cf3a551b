import { replaceKeyLike } from './siliconflow/keys.js';

/** Replaces every API-key-shaped token in a string with a masked form, so logs and error texts never carry a key. */
export function redactSecrets(text: string): string {
  return replaceKeyLike(text, (key) => `sk-${key.slice(3, 7)}…[redacted]`);
}
