import type { RequestHandler } from 'express';
import type { RequestLogEntry } from '../../src/logs/request-log-types.js';

/** One successful chat request as the proxy logs it; tests override what they look at. */
export function logEntry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    time: Date.UTC(2025, 0, 1),
    method: 'POST',
    path: '/v1/chat/completions',
    model: 'Qwen/Qwen3-8B',
    stream: false,
    status: 200,
    keyId: 1,
    attempts: 1,
    firstByteMs: 120,
    totalMs: 450,
    promptTokens: 10,
    completionTokens: 20,
    totalTokens: 30,
    costNano: null,
    giftNano: null,
    paidNano: null,
    errorClass: null,
    ...overrides,
  };
}

/** For route tests without the session machinery: the request arrives as a signed-in admin's. */
export const signedInAsAdmin: RequestHandler = (req, _res, next) => {
  (req as { session?: unknown }).session = { admin: { username: 'admin' } };
  next();
};
