import {
  CODE_INSUFFICIENT_BALANCE,
  CODE_INVALID_PARAMETER,
  CODE_INVALID_TOKEN,
  CODE_IP_BUSY,
  CODE_MODEL_NOT_FOUND,
  CODE_MODEL_OVERLOADED,
  CODE_PAID_BALANCE_REQUIRED,
  CODE_RATE_LIMITED,
  CODE_SYSTEM_OVERLOADED,
  CODE_UNKNOWN_ERROR,
  type UpstreamAnswer,
} from '../siliconflow/errors.js';

/**
 * An error event inside a 200 stream, as the answer it stands for — what the outcome table classifies
 * (outcome.ts) — and what the key's lastError shows.
 */
export type StreamError = { readonly answer: UpstreamAnswer; readonly reason: string };

/**
 * The status each of SiliconFlow's codes comes with outside a stream (docs/siliconflow.md, "Errors"):
 * an error event carries only the code, and the outcome table reads both.
 */
const STATUS_OF_CODE: ReadonlyMap<number, number> = new Map([
  [CODE_MODEL_NOT_FOUND, 400],
  [CODE_INVALID_PARAMETER, 400],
  [CODE_INVALID_TOKEN, 401],
  [CODE_INSUFFICIENT_BALANCE, 402],
  [CODE_PAID_BALANCE_REQUIRED, 403],
  [CODE_RATE_LIMITED, 429],
  [CODE_UNKNOWN_ERROR, 500],
  [CODE_MODEL_OVERLOADED, 503],
  [CODE_SYSTEM_OVERLOADED, 503],
  [CODE_IP_BUSY, 503],
]);

/**
 * Anthropic's error types (its `event: error` on /v1/messages) by the status Anthropic gives them.
 * `overloaded_error` says what 50505 says — busy upstream, not the key — so it reads as 50505.
 */
const ANTHROPIC_TYPES: Readonly<Record<string, { status: number; code?: number }>> = {
  invalid_request_error: { status: 400 },
  authentication_error: { status: 401 },
  permission_error: { status: 403 },
  not_found_error: { status: 404 },
  rate_limit_error: { status: 429 },
  api_error: { status: 500 },
  overloaded_error: { status: 503, code: CODE_MODEL_OVERLOADED },
};

/** A code, or a status, nothing says more of: upstream trouble. */
const UNKNOWN_TROUBLE = 500;

type Fields = { code: number | undefined; status: number | undefined; message: string; type: string | undefined };

/**
 * The error an SSE event's data stands for, or null when it is no error: OpenAI's `{"error": {…}}`
 * (or a bare `"error": "text"`), SiliconFlow's own `{code, message}` body sent as an event, or
 * Anthropic's `{"type": "error", "error": {type, message}}`. `event` is the event's name, if any.
 */
export function errorOfEvent(event: string | null, data: string): StreamError | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const fields = errorFields(value, event === 'error');
  return fields && toStreamError(fields);
}

function errorFields(value: Record<string, unknown>, namedError: boolean): Fields | null {
  const inner = value.error;
  if (isObject(inner)) {
    return { code: num(inner.code), status: num(inner.status) ?? num(value.status), message: text(inner.message), type: str(inner.type) };
  }
  if (typeof inner === 'string') return { code: num(value.code), status: num(value.status), message: inner, type: undefined };
  // SiliconFlow's error body as an event: a code and a message, and none of a chunk's fields.
  const bodyLike = num(value.code) !== undefined && typeof value.message === 'string' && !('choices' in value) && !('object' in value);
  if (bodyLike || namedError) return { code: num(value.code), status: num(value.status), message: text(value.message), type: undefined };
  return null;
}

function toStreamError({ code, status, message, type }: Fields): StreamError {
  const anthropic = type === undefined ? undefined : ANTHROPIC_TYPES[type];
  const effectiveCode = code ?? anthropic?.code;
  const httpStatus =
    httpRange(status) ??
    (effectiveCode === undefined ? undefined : (STATUS_OF_CODE.get(effectiveCode) ?? httpRange(effectiveCode))) ??
    anthropic?.status ??
    UNKNOWN_TROUBLE;
  const body = effectiveCode === undefined ? { message, data: null } : { code: effectiveCode, message, data: null };
  const codeText = code === undefined ? (type ? ` (${type})` : '') : ` (code ${code})`;
  return { answer: { status: httpStatus, body }, reason: `error event in the stream${codeText}: ${message}`.slice(0, 300) };
}

/**
 * Reads SSE lines as they go by for the first error event: Anthropic's `event: error`, or a data line
 * holding an error object. Only a line that names `"error"` or `"code"` as a key (an unescaped quote
 * is never inside a JSON string) is parsed, so content chunks cost two substring searches each.
 */
export class StreamErrorWatch {
  private event: string | null = null;
  found: StreamError | null = null;

  line(line: string): void {
    if (this.found) return;
    if (line === '' || line === '\r') this.event = null;
    else if (line.startsWith('event:')) this.event = line.slice(6).trim();
    else if (line.startsWith('data:') && (this.event === 'error' || line.includes('"error"') || line.includes('"code"')))
      this.found = errorOfEvent(this.event, line.slice(5));
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** A number, or a string of digits (OpenAI-style gateways send codes as strings). */
function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

const httpRange = (v: number | undefined) => (v !== undefined && v >= 400 && v <= 599 ? v : undefined);
