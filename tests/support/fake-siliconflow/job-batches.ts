/**
 * POST /v1/batches, GET /v1/batches/:id and POST /v1/batches/:id/cancel, answered with OpenAI's
 * batch object as SiliconFlow's API reference shows it (status "in_queue" when created). The input
 * file must be the account's own. The fake runs no batch: it waits in the queue until cancelled.
 */
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sendJson } from './http-util.js';
import { accountOfRequest, jobId, unixSeconds, UNKNOWN_JOB, type FakeBatch } from './jobs.js';

const DAY_S = 24 * 60 * 60;

export function createBatch(ctx: FakeContext): void {
  const request = parseJsonObject(ctx.body);
  const { input_file_id: inputFileId, endpoint, completion_window: window, metadata } = request ?? {};
  if (typeof inputFileId !== 'string' || typeof endpoint !== 'string' || typeof window !== 'string') {
    return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  }
  const account = accountOfRequest(ctx);
  if (!ctx.jobs.file(inputFileId, account)) return sendUpstreamError(ctx.res, UNKNOWN_JOB.file);
  const batch: FakeBatch = {
    id: jobId('batch_'),
    account,
    inputFileId,
    endpoint,
    completionWindow: window,
    metadata: metadata ?? null,
    status: 'in_queue',
    createdAt: unixSeconds(),
    cancellingAt: null,
    cancelledAt: null,
  };
  ctx.jobs.batches.set(batch.id, batch);
  sendJson(ctx.res, 200, batchObject(batch));
}

/** GET /v1/batches/:id and POST /v1/batches/:id/cancel. A cancelled batch is "cancelling" once, then "cancelled". */
export function aboutBatch(ctx: FakeContext, id: string, action: 'get' | 'cancel'): void {
  const batch = ctx.jobs.batch(id, accountOfRequest(ctx));
  if (!batch) return sendUpstreamError(ctx.res, UNKNOWN_JOB.batch);
  if (action === 'cancel' && batch.status === 'in_queue') {
    batch.status = 'cancelling';
    batch.cancellingAt = unixSeconds();
  } else if (batch.status === 'cancelling') {
    batch.status = 'cancelled';
    batch.cancelledAt = unixSeconds();
  }
  sendJson(ctx.res, 200, batchObject(batch));
}

function batchObject(b: FakeBatch) {
  return {
    id: b.id,
    object: 'batch',
    endpoint: b.endpoint,
    errors: null,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    output_file_id: null,
    error_file_id: null,
    created_at: b.createdAt,
    in_progress_at: null,
    expires_at: b.createdAt + DAY_S,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: b.cancellingAt,
    cancelled_at: b.cancelledAt,
    request_counts: null,
    metadata: b.metadata,
  };
}
