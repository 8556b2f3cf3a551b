/**
 * POST /v1/files (a multipart upload, purpose "batch"), GET /v1/files, GET /v1/files/:id, its
 * /content, and DELETE /v1/files/:id. SiliconFlow wraps the file answers in {code, message, status,
 * data} (its API reference); only the upload and the list are documented, the rest follow them.
 */
import type { FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sendJson } from './http-util.js';
import { accountOfRequest, jobId, unixSeconds, UNKNOWN_JOB, type FakeFile } from './jobs.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

export function uploadFile(ctx: FakeContext): void {
  const boundary = multipartBoundary(ctx.req.headers['content-type']);
  if (!boundary) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const parts = parseMultipart(ctx.body, boundary);
  const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8');
  const file = parts.find((p) => p.name === 'file');
  if (purpose !== 'batch' || !file) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const stored: FakeFile = {
    id: jobId('file-'),
    account: accountOfRequest(ctx),
    filename: file.filename ?? 'file',
    purpose,
    content: Buffer.from(file.data),
    createdAt: unixSeconds(),
  };
  ctx.jobs.files.set(stored.id, stored);
  const { id, filename, createdAt } = stored;
  sendWrapped(ctx, { id, object: 'file', bytes: stored.content.length, createdAt, filename, purpose });
}

export function listFiles(ctx: FakeContext): void {
  const account = accountOfRequest(ctx);
  const data = [...ctx.jobs.files.values()].filter((f) => f.account === account).map(listed);
  sendWrapped(ctx, { data, object: 'file' });
}

/** GET /v1/files/:id, its /content, and DELETE /v1/files/:id. */
export function aboutFile(ctx: FakeContext, id: string, action: 'get' | 'content' | 'delete'): void {
  const file = ctx.jobs.file(id, accountOfRequest(ctx));
  if (!file) return sendUpstreamError(ctx.res, UNKNOWN_JOB.file);
  switch (action) {
    case 'get':
      return sendWrapped(ctx, listed(file));
    case 'content':
      ctx.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.content.length });
      ctx.res.end(file.content);
      return;
    case 'delete':
      ctx.jobs.files.delete(id);
      return sendWrapped(ctx, { id, object: 'file', deleted: true });
  }
}

function listed(file: FakeFile) {
  const lines = file.content
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
  const { id, filename, purpose, createdAt } = file;
  return { id, object: 'file', bytes: file.content.length, created_at: createdAt, filename, purpose, line_count: lines };
}

function sendWrapped(ctx: FakeContext, data: unknown): void {
  sendJson(ctx.res, 200, { code: 20000, message: 'Ok', status: true, data });
}
