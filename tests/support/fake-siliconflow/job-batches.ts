/**
 * POST /v1/batches, GET /v1/batches/:id and POST /v1/batches/:id/cancel, answered with OpenAI's
 * batch object as SiliconFlow's API reference shows it (status "in_queue" when created). The input
 * file must be the account's own. The fake runs no batch: it waits in the queue until cancelled —
 * unless its metadata says `{"fake": "complete"}` (a test hook): then the first GET finds it completed,
 * with an output file of the account holding one result line per input line.
 */
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sendJson } from './http-util.js';
import { accountOfRequest, jobId, unixSeconds, UNKNOWN_JOB, type FakeBatch, type FakeFile } from './jobs.js';

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
    outputFileId: null,
  };
  ctx.jobs.batches.set(batch.id, batch);
  sendJson(ctx.res, 200, batchObject(batch));
}

/** GET /v1/batches/:id and POST /v1/batches/:id/cancel. A cancelled batch is "cancelling" once, then "cancelled". */
export function aboutBatch(ctx: FakeContext, id: string, action: 'get' | 'cancel'): void {
  const batch = ctx.jobs.batch(id, accountOfRequest(ctx));
  if (!batch) return sendUpstreamError(ctx.res, UNKNOWN_JOB.batch);
  if (action === 'get' && batch.status === 'in_queue' && isFakeComplete(batch.metadata)) complete(ctx, batch);
  else if (action === 'cancel' && batch.status === 'in_queue') {
    batch.status = 'cancelling';
    batch.cancellingAt = unixSeconds();
  } else if (batch.status === 'cancelling') {
    batch.status = 'cancelled';
    batch.cancelledAt = unixSeconds();
  }
  sendJson(ctx.res, 200, batchObject(batch));
}

const isFakeComplete = (metadata: unknown) => (metadata as { fake?: unknown } | null)?.fake === 'complete';

function complete(ctx: FakeContext, batch: FakeBatch): void {
  const input = ctx.jobs.files.get(batch.inputFileId);
  const lines = (input?.content.toString('utf8') ?? '').split('\n').filter((l) => l.trim() !== '');
  const results = lines.map((_, i) => JSON.stringify({ custom_id: String(i + 1), response: { status_code: 200 } })).join('\n');
  const output: FakeFile = {
    id: jobId('file-'),
    account: batch.account,
    filename: `${batch.id}_output.jsonl`,
    purpose: 'batch_output',
    content: Buffer.from(`${results}\n`),
    createdAt: unixSeconds(),
  };
  ctx.jobs.files.set(output.id, output);
  batch.status = 'completed';
  batch.outputFileId = output.id;
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
    output_file_id: b.outputFileId,
    error_file_id: null,
    created_at: b.createdAt,
    in_progress_at: null,
    expires_at: b.createdAt + DAY_S,
    finalizing_at: null,
    completed_at: b.status === 'completed' ? unixSeconds() : null,
    failed_at: null,
    expired_at: null,
    cancelling_at: b.cancellingAt,
    cancelled_at: b.cancelledAt,
    request_counts: null,
    metadata: b.metadata,
  };
}
