/**
 * Files, batches and video generations are jobs: each belongs to the SiliconFlow account that made
 * it, and a later call about it only works with a key of that account (docs/siliconflow.md, "Jobs").
 * What this module knows: which calls make a job, which name one (by path or in the JSON body), and
 * where a creating answer carries the new job's id.
 */

export type JobKind = 'file' | 'batch' | 'video';

/** What a /v1 call does with jobs: makes one (`creates`), names one (`about`), or both (a batch names its input file). */
export type JobCall = {
  readonly creates: JobKind | null;
  readonly about: { readonly in: 'path'; readonly id: string } | { readonly in: 'body'; readonly field: string } | null;
  /** What its 2xx answer describes, whose ids are worth recording: the new job, or a batch with its result files. */
  readonly answer: JobKind | null;
};

const FIXED: ReadonlyMap<string, JobCall> = new Map<string, JobCall>([
  ['POST /v1/files', { creates: 'file', about: null, answer: 'file' }],
  // A batch runs on the account that holds its input file, so it is created with that file's key.
  ['POST /v1/batches', { creates: 'batch', about: { in: 'body', field: 'input_file_id' }, answer: 'batch' }],
  ['POST /v1/video/submit', { creates: 'video', about: null, answer: 'video' }],
  ['POST /v1/video/status', { creates: null, about: { in: 'body', field: 'requestId' }, answer: null }],
]);

/** The id in a path: SiliconFlow's are short words (`file-jkvytbjtow`, `batch_rdyqgrcgjg`, a UUID). */
const ID = '([A-Za-z0-9_-]{1,128})';
const FILE_PATH = new RegExp(`^/v1/files/${ID}(/content)?$`);
const BATCH_PATH = new RegExp(`^/v1/batches/${ID}(/cancel)?$`);

/** Every job path starts so: the one check other requests pay. */
export const isJobPath = (path: string): boolean =>
  path.startsWith('/v1/files') || path.startsWith('/v1/batches') || path.startsWith('/v1/video/');

/** What the call (path without its query) does with jobs; null for any other call, or another spelling of one. */
export function jobCallOf(method: string, path: string): JobCall | null {
  const p = path.length > 4 && path.endsWith('/') ? path.slice(0, -1) : path;
  const fixed = FIXED.get(`${method} ${p}`);
  if (fixed) return fixed;
  const file = FILE_PATH.exec(p);
  if (file && (method === 'GET' || (method === 'DELETE' && !file[2]))) {
    return { creates: null, about: { in: 'path', id: file[1]! }, answer: null };
  }
  const batch = BATCH_PATH.exec(p);
  // A batch's answer names its result files (output_file_id, error_file_id): the batch's account holds them.
  if (batch && (batch[2] ? method === 'POST' : method === 'GET')) {
    return { creates: null, about: { in: 'path', id: batch[1]! }, answer: 'batch' };
  }
  return null;
}

/** A string field of a small JSON body (`requestId`, `input_file_id`); null when the body is not such JSON. */
export function jobIdInBody(body: Buffer, field: string): string | null {
  if (body.length === 0 || body.length > MAX_JOB_BODY_BYTES) return null;
  const value = jsonObject(body)?.[field];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : null;
}

/** Requests that name a job by their body are small JSON (`{requestId}`); a larger body is not parsed. */
const MAX_JOB_BODY_BYTES = 64 * 1024;

export type NamedJob = { readonly id: string; readonly kind: JobKind };

/**
 * The jobs an answer describing a `kind` of job names: a file's `data.id` (SiliconFlow wraps its
 * file answers in {code, message, status, data}) or `id` (OpenAI's shape), a video's `requestId`, a
 * batch's `id` with its `output_file_id` and `error_file_id` once it has them.
 */
export function answeredJobs(kind: JobKind, answer: Buffer): NamedJob[] {
  const body = jsonObject(answer);
  if (!body) return [];
  const named: NamedJob[] = [];
  const add = (id: unknown, as: JobKind) => {
    if (typeof id === 'string' && id.length > 0 && id.length <= 128) named.push({ id, kind: as });
  };
  const data = body.data as Record<string, unknown> | null | undefined;
  if (kind === 'video') add(body.requestId, 'video');
  else if (kind === 'file') add(body.id ?? (typeof data === 'object' ? data?.id : undefined), 'file');
  else {
    add(body.id, 'batch');
    add(body.output_file_id, 'file');
    add(body.error_file_id, 'file');
  }
  return named;
}

function jsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
