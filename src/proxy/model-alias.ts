import { multipartModelSpan, type RequestFacts } from './request-body.js';

/** Where a body's `model` value lies, as byte offsets: [start, end). */
type Span = { start: number; end: number };

/** A request sent on under the SiliconFlow model its alias stands for. */
export type Aliased = { body: Buffer; facts: RequestFacts; alias: string };

// The table is read on every request with a model; it is built once per change of the setting
// (a settings change replaces the frozen settings object and its arrays, so identity says "changed").
const tables = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

/** The `alias=model` lines (config/alias-lines.ts, already checked) as a Map alias → model. */
export function aliasMap(lines: readonly string[]): ReadonlyMap<string, string> {
  let table = tables.get(lines);
  if (!table) {
    table = new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
    tables.set(lines, table);
  }
  return table;
}

/**
 * The request with its model's alias resolved: only the bytes of the `model` value change (a JSON
 * body's top-level string, or a multipart upload's `model` field), every other byte goes as
 * received. Null when the model is no alias — the body is then forwarded untouched, the same Buffer.
 */
export function resolveAlias(
  table: ReadonlyMap<string, string>,
  body: Buffer,
  contentType: string | undefined,
  facts: RequestFacts,
): Aliased | null {
  const model = facts.model === null ? undefined : table.get(facts.model);
  if (model === undefined) return null;
  const json = contentType?.includes('json') === true;
  const span = json ? jsonModelSpan(body) : multipartModelSpan(body);
  if (!span) return null;
  const value = Buffer.from(json ? JSON.stringify(model) : model, 'utf8');
  const rewritten = Buffer.concat([body.subarray(0, span.start), value, body.subarray(span.end)]);
  return { body: rewritten, facts: { ...facts, model }, alias: facts.model! };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const MODEL_KEY = Buffer.from('"model"');

/**
 * The span of the top-level `"model": "<string>"` value, quotes included, in a body JSON.parse has
 * already read. The last one when the key is repeated, as JSON.parse (and so requestFacts) reads it;
 * a key spelled with escapes (`"mod\u0065l"`) counts. Strings are skipped with indexOf, so a long
 * message costs a native search, not a loop over its bytes.
 */
export function jsonModelSpan(b: Buffer): Span | null {
  let depth = 0;
  let expectKey = false;
  let afterModelKey = false;
  let span: Span | null = null;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      const end = stringEnd(b, i);
      if (end < 0) return null;
      if (depth === 1 && expectKey) afterModelKey = isModelKey(b, i, end);
      else if (depth === 1 && afterModelKey) span = { start: i, end };
      if (depth === 1) expectKey = false;
      i = end - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      afterModelKey = false;
      expectKey = depth === 1 && c === OPEN_BRACE;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COMMA) {
      if (depth === 1) expectKey = true;
      afterModelKey = false;
    } else if (c !== COLON && c > 0x20) {
      afterModelKey = false; // a number, true, false or null
    }
  }
  return span;
}

/** The offset just past the string's closing quote; `start` is its opening quote. */
function stringEnd(b: Buffer, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = b.indexOf(QUOTE, at);
    if (quote < 0) return -1;
    let slashes = 0;
    while (b[quote - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

function isModelKey(b: Buffer, start: number, end: number): boolean {
  if (end - start === MODEL_KEY.length) return b.compare(MODEL_KEY, 0, MODEL_KEY.length, start, end) === 0;
  const key = b.subarray(start, end);
  return key.includes(BACKSLASH) && JSON.parse(key.toString('utf8')) === 'model';
}
