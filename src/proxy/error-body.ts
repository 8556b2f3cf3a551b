import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { redactSecrets } from '../redact.js';
import { parseUpstreamBody } from '../siliconflow/body.js';
import { CODE_MODEL_NOT_FOUND, errorCode } from '../siliconflow/errors.js';
import { errorType } from './proxy-errors.js';

/** Error bodies are collected up to 1 MiB (collectBody); decoded ones are held to the same. */
const MAX_DECODED_BYTES = 1024 * 1024;

/**
 * An upstream error body as plain bytes, so it can be classified and redacted. The proxy asks for
 * `identity`, but an upstream or a gateway in front of it may compress anyway, and a key must not get
 * past redaction inside a gzip. Null when it cannot be decoded: the client then gets no body from it.
 */
export function decodedBody(bytes: Buffer, encoding: string | string[] | undefined): Buffer | null {
  const name = (Array.isArray(encoding) ? encoding.join(',') : (encoding ?? '')).trim().toLowerCase();
  const limit = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    if (name === '' || name === 'identity') return bytes;
    if (name === 'gzip' || name === 'x-gzip') return gunzipSync(bytes, limit);
    if (name === 'deflate') return inflateSync(bytes, limit);
    if (name === 'br') return brotliDecompressSync(bytes, limit);
    return null;
  } catch {
    return null;
  }
}

/**
 * The text with the attempt's pool key, and anything else shaped like a key (`sk-…`), masked. The
 * upstream can only echo the key it was sent, so that one is looked for exactly, whatever its shape.
 */
export function redactKeys(text: string, secret: string): string {
  const own = text.includes(secret) ? text.replaceAll(secret, `${secret.slice(0, 7)}…[redacted]`) : text;
  return redactSecrets(own);
}

/** What the client asked for, for messages that name it. */
export type ErrorContext = { status: number; method: string; path: string; model: string | null };

type ErrorObject = { message: string; type: string; code: number | null };

/**
 * The JSON a client gets for a passed-through upstream 4xx. SiliconFlow's `{code, message, data}` keeps
 * its fields and gains OpenAI's `error: {message, type, code}` (SDKs read only that: openai 6 showed
 * "400 status code (no body)"); a bare JSON string, plain text (the router's `404 page not found`) or
 * an empty body becomes `{message, error}`. A body that already has an error object stays as it is.
 */
export function clientErrorBody(text: string, ctx: ErrorContext): string {
  const parsed = parseUpstreamBody(text);
  if (isRecord(parsed)) {
    if (isRecord(parsed.error) && typeof parsed.error.message === 'string') return text;
    return JSON.stringify({ ...parsed, error: errorObject(messageOf(parsed), errorCode(parsed) ?? null, ctx) });
  }
  const error = errorObject(typeof parsed === 'string' ? parsed.trim() : text.trim(), null, ctx);
  return JSON.stringify({ message: error.message, error });
}

function errorObject(upstreamMessage: string, code: number | null, ctx: ErrorContext): ErrorObject {
  return { message: explained(upstreamMessage, code, ctx), type: errorType(ctx.status), code };
}

/** SiliconFlow's message, plus what it leaves out: which model, which path, where to look. */
function explained(message: string, code: number | null, { status, method, path, model }: ErrorContext): string {
  if (code === CODE_MODEL_NOT_FOUND) {
    const which = model === null ? '' : ` "${model}"`;
    return `${message} 模型${which ? `${which} ` : ''}不存在，可用的模型见 GET /v1/models。The model${which} does not exist: GET /v1/models lists the models.`;
  }
  if (!message) return `SiliconFlow 回答了 HTTP ${status}，没有内容。SiliconFlow answered HTTP ${status} with an empty body.`;
  if (status === 404 && code === null) return `${message}: SiliconFlow 没有这个接口 / SiliconFlow has no such endpoint: ${method} ${path}`;
  return message;
}

function messageOf(body: Record<string, unknown>): string {
  if (typeof body.message === 'string') return body.message;
  if (typeof body.error === 'string') return body.error;
  return '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
