/**
 * The upstream's error answers, byte for byte where known.
 * Bodies are top-level {code, message, data}, not OpenAI's {error:{…}} (shared/SILICONFLOW.md, "Errors").
 */
import type { ServerResponse } from 'node:http';

export interface UpstreamError {
  status: number;
  code: number;
  message: string;
}

export const ERRORS = {
  invalidToken: { status: 401, code: 30014, message: 'Token is invalid.' },
  insufficientBalance: { status: 402, code: 30001, message: 'Sorry, your account balance is insufficient' },
  paidBalanceRequired: {
    status: 403,
    code: 30011,
    message: 'The selected model requires paid balance. Your paid balance is insufficient. Please top up and try again.',
  },
  rateLimited: {
    status: 429,
    code: 50602,
    message: 'Request was rejected due to rate limiting. Details: TPM limit reached.',
  },
  overloaded: { status: 503, code: 50505, message: 'Model service overloaded. Please try again later.' },
  serverError: { status: 500, code: 50507, message: 'Request failed: Unknown error.' },
  ipBlocked: { status: 503, code: 50603, message: 'System is too busy now. Please try again later.' },
  modelNotFound: { status: 400, code: 20012, message: 'Model does not exist. Please check it carefully.' },
  invalidParameter: { status: 400, code: 20015, message: 'The parameter is invalid. Please check again.' },
  endpointDeprecated: { status: 410, code: 20092, message: 'endpoint is deprecated' },
} as const satisfies Record<string, UpstreamError>;

/** Older deployments answered an invalid key with a bare JSON string instead of an object. */
export const INVALID_TOKEN_STRING = 'Invalid token';

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
