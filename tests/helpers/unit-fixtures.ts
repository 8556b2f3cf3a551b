import type { RequestHandler } from 'express';
import type { KeyRow } from '../../src/keys/key-types.js';
import type { RequestLogEntry } from '../../src/logs/request-log-types.js';

/** One successful chat request as the proxy logs it; tests override what they look at. */
export function logEntry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    time: Date.UTC(2025, 0, 1),
    method: 'POST',
    path: '/v1/chat/completions',
    model: 'Qwen/Qwen3-8B',
    requestedModel: null,
    stream: false,
    status: 200,
    keyId: 1,
    clientId: 0,
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

/** A stored key as the pool loads it: active, enabled, never anchored; tests override what they look at. */
export function keyRow(id: number, over: Partial<KeyRow> = {}): KeyRow {
  return {
    id,
    key_cipher: Buffer.alloc(0),
    key_hash: `h${id}`,
    masked: 'sk-…',
    note: '',
    enabled: 1,
    status: 'active',
    anchor_gift_nano: null,
    anchor_paid_nano: null,
    anchor_at: null,
    anchor_source: null,
    spent_gift_nano: 0,
    spent_paid_nano: 0,
    spent_unsplit_nano: 0,
    paid_found_at: null,
    lacks_paid_at: null,
    last_checked_at: null,
    last_error: null,
    created_at: 0,
    usage_count: 0,
    failure_count: 0,
    last_used_at: null,
    cooling_until: null,
    lacks_paid: 0,
    account: null,
    account_source: null,
    ...over,
  };
}
