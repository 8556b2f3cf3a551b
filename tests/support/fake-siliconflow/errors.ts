/**
 * The upstream's error answers, byte for byte where known: the codes are the project's own
 * (src/siliconflow/), the messages what SiliconFlow has been seen to send. Bodies are top-level
 * {code, message, data}, not OpenAI's {error:{…}} (docs/siliconflow.md, "Errors").
 */
import type { ServerResponse } from 'node:http';
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
  INVALID_KEY_STRINGS,
} from '../../../src/siliconflow/errors.js';
import { CODE_ENDPOINT_DEPRECATED } from '../../../src/siliconflow/user-info.js';

export interface UpstreamError {
  status: number;
  code: number;
  message: string;
}

export const ERRORS = {
  invalidToken: { status: 401, code: CODE_INVALID_TOKEN, message: 'Token is invalid.' },
  insufficientBalance: { status: 402, code: CODE_INSUFFICIENT_BALANCE, message: 'Sorry, your account balance is insufficient' },
  paidBalanceRequired: {
    status: 403,
    code: CODE_PAID_BALANCE_REQUIRED,
    message: 'The selected model requires paid balance. Your paid balance is insufficient. Please top up and try again.',
  },
  rateLimited: {
    status: 429,
    code: CODE_RATE_LIMITED,
    message: 'Request was rejected due to rate limiting. Details: TPM limit reached.',
  },
  overloaded: { status: 503, code: CODE_MODEL_OVERLOADED, message: 'Model service overloaded. Please try again later.' },
  busy: { status: 503, code: CODE_SYSTEM_OVERLOADED, message: 'System is too busy now. Please try again later.' },
  serverError: { status: 500, code: CODE_UNKNOWN_ERROR, message: 'Request failed: Unknown error.' },
  ipBlocked: { status: 503, code: CODE_IP_BUSY, message: 'System is too busy now. Please try again later.' },
  modelNotFound: { status: 400, code: CODE_MODEL_NOT_FOUND, message: 'Model does not exist. Please check it carefully.' },
  invalidParameter: { status: 400, code: CODE_INVALID_PARAMETER, message: 'The parameter is invalid. Please check again.' },
  endpointDeprecated: { status: 410, code: CODE_ENDPOINT_DEPRECATED, message: 'endpoint is deprecated' },
} as const satisfies Record<string, UpstreamError>;

/** A prompt of `promptTokens` over the model's context: the upstream's 20015 with its numbers. */
export function contextTooLong(promptTokens: number, maxSeqLen: number): UpstreamError {
  return {
    status: 400,
    code: CODE_INVALID_PARAMETER,
    message: `length of prompt_tokens (${promptTokens}) must be less than max_seq_len (${maxSeqLen}).`,
  };
}

/** Older deployments answered an invalid key with a bare JSON string instead of an object. */
export const INVALID_TOKEN_STRING = INVALID_KEY_STRINGS[0];

export function sendUpstreamError(res: ServerResponse, error: UpstreamError, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ code: error.code, message: error.message, data: null });
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

export function sendBareStringError(res: ServerResponse, status: number, text: string): void {
  const body = JSON.stringify(text);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The Go router's default answer for an unknown path: plain text, not JSON. */
export function sendNotFound(res: ServerResponse): void {
  const body = '404 page not found';
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A bad call to a /_fake/ control endpoint: the upstream's error shape, with a message saying what is wrong. */
export function sendBadControlRequest(res: ServerResponse, message: string): void {
  sendUpstreamError(res, { status: 400, code: CODE_INVALID_PARAMETER, message });
}
