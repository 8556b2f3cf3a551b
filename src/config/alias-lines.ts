import { z } from 'zod';
import { checkedLines, type LineVerdict } from './checked-lines.js';

/**
 * The model alias table as the admin writes it: one `alias=model` a line (spaces around `=` allowed),
 * e.g. `gpt-3.5-turbo=Qwen/Qwen2.5-7B-Instruct`. Kept as those lines, normalised, so the form shows
 * them back as written; the proxy turns them into a Map once per change (proxy/model-alias.ts).
 */
const MAX_NAME = 200;
const NAME = /^[^\s=]+$/;

/** The line normalised (`alias=model`), or why it is not one. */
function checkLine(line: string, seen: Set<string>): LineVerdict {
  const eq = line.indexOf('=');
  if (eq < 0) return { problem: 'must be alias=model' };
  const alias = line.slice(0, eq).trim();
  const model = line.slice(eq + 1).trim();
  if (!NAME.test(alias) || !NAME.test(model)) return { problem: 'must be alias=model, each one name without spaces or another =' };
  if (alias.length > MAX_NAME || model.length > MAX_NAME) return { problem: `names are at most ${MAX_NAME} characters` };
  if (alias === model) return { problem: 'an alias cannot name itself' };
  if (seen.has(alias)) return { problem: `the alias ${alias} is given twice` };
  seen.add(alias);
  return `${alias}=${model}`;
}

/** Checks every line (blank ones dropped); a bad one is reported with its number and text. */
export const aliasLines = checkedLines(2 * MAX_NAME + 10, checkLine);

/** What MODEL_ALIASES says for "no aliases at all" (unset is the built-in table). */
export const NO_ALIASES = 'none';

/** The environment's text: `alias=model` items separated by commas or newlines; unset is `fallback`, `none` is no alias. */
export function aliasTableEnv(fallback: readonly string[]) {
  const items = (v: string | undefined) => (v === undefined ? [...fallback] : v.trim() === NO_ALIASES ? [] : v.split(/[\n,]+/));
  return z.string().optional().transform(items).pipe(aliasLines);
}
