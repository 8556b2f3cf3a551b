/** The fake's routes for files, batches and video jobs: fixed paths, and the ones that carry an id. */
import type { Route } from './context.js';
import { aboutBatch, createBatch } from './job-batches.js';
import { aboutFile, listFiles, uploadFile } from './job-files.js';
import { submitVideo, videoStatus } from './job-video.js';

const FIXED: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['POST /v1/files', { billable: false, handle: uploadFile }],
  ['GET /v1/files', { billable: false, handle: listFiles }],
  ['POST /v1/batches', { billable: false, handle: createBatch }],
  ['POST /v1/video/submit', { billable: true, handle: submitVideo }],
  ['POST /v1/video/status', { billable: false, handle: videoStatus }],
]);

const FILE = /^\/v1\/files\/([^/]+)(\/content)?$/;
const BATCH = /^\/v1\/batches\/([^/]+)(\/cancel)?$/;

export function jobRoute(method: string, pathname: string): Route | undefined {
  const fixed = FIXED.get(`${method} ${pathname}`);
  if (fixed) return fixed;
  const file = FILE.exec(pathname);
  if (file) {
    const id = file[1]!;
    if (method === 'GET') return { billable: false, handle: (ctx) => aboutFile(ctx, id, file[2] ? 'content' : 'get') };
    if (method === 'DELETE' && !file[2]) return { billable: false, handle: (ctx) => aboutFile(ctx, id, 'delete') };
    return undefined;
  }
  const batch = BATCH.exec(pathname);
  if (!batch) return undefined;
  const id = batch[1]!;
  if (method === 'GET' && !batch[2]) return { billable: false, handle: (ctx) => aboutBatch(ctx, id, 'get') };
  if (method === 'POST' && batch[2]) return { billable: false, handle: (ctx) => aboutBatch(ctx, id, 'cancel') };
  return undefined;
}
