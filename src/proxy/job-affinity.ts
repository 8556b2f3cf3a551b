import type { JobKeyStore } from '../keys/job-key-store.js';
import type { Logger } from '../logger.js';
import { answeredJobs, isJobPath, jobCallOf, jobIdInBody, type JobCall, type JobKind } from '../siliconflow/jobs.js';
import type { Ending } from './own-answers.js';
import type { KeyPool } from './pool/key-pool.js';
import type { PoolKey } from './pool/pool-key.js';
import { MESSAGES, PROXY_CODES } from './proxy-errors.js';

/**
 * How a job call goes: `pinned`, the key of the job it names (that key alone, no failover: a key of
 * another account would answer "not found"); `records`, the kind of job its 2xx answer describes,
 * whose ids (the new job, a batch's result files) are recorded with the key that answered.
 */
export type JobRoute = { readonly pinned: PoolKey | null; readonly records: JobKind | null };

export type JobAffinityDeps = {
  store: Pick<JobKeyStore, 'record' | 'find'>;
  pool: Pick<KeyPool, 'get'>;
  logger: Logger;
};

/** A creating call's answer is a small JSON object; one larger than this is not forwarded (502). */
export const MAX_JOB_ANSWER_BYTES = 1024 * 1024;

const NOT_FOUND = 404;
const GONE = 410;

const JOB_NOT_FOUND = ending(NOT_FOUND, 'job-not-found', PROXY_CODES.jobNotFound, MESSAGES.jobNotFound);
const JOB_KEY_DELETED = ending(GONE, 'job-key-deleted', PROXY_CODES.jobKeyDeleted, MESSAGES.jobKeyDeleted);
const JOB_KEY_DISABLED = ending(GONE, 'job-key-disabled', PROXY_CODES.jobKeyDisabled, MESSAGES.jobKeyDisabled);

/**
 * Files, batches and video jobs belong to the account that made them (docs/proxy.en.md, "Jobs that
 * belong to one key"): the proxy records which key made each, and sends every later call about it
 * with that key. An id it never recorded (made before, or elsewhere) goes to the pool as any call.
 */
export class JobAffinity {
  constructor(private readonly deps: JobAffinityDeps) {}

  /**
   * How the call goes: null for every call that is not about jobs (one path check), and for one
   * about a job never recorded; an Ending when the proxy answers it itself (another client's job,
   * the job's key deleted).
   */
  route(method: string, path: string, body: Buffer, clientId: number): JobRoute | Ending | null {
    if (!isJobPath(path)) return null;
    const call = jobCallOf(method, path);
    if (!call) return null;
    const id = namedJob(call, body);
    const recorded = id === null ? undefined : this.deps.store.find(id);
    if (!recorded) return call.answer ? { pinned: null, records: call.answer } : null;
    // Another client key's job is as unknown to this one as an id never made.
    if (recorded.clientId !== clientId) return JOB_NOT_FOUND;
    const key = recorded.keyPresent ? this.deps.pool.get(recorded.keyId) : undefined;
    if (!key) return JOB_KEY_DELETED;
    // A disabled key still serves its jobs (no other key can, and asking costs nothing), but starts no new work.
    if (!key.enabled && call.creates) return JOB_KEY_DISABLED;
    return { pinned: key, records: call.answer };
  }

  /**
   * A call that makes or describes a job was answered 2xx by `key`: remembers the jobs its answer
   * names as that key's (its account holds them, or it could not have answered). Never fails the answer.
   */
  answered(kind: JobKind, answer: Buffer, key: PoolKey, clientId: number): void {
    const jobs = answeredJobs(kind, answer);
    if (jobs.length === 0) this.deps.logger.warn({ keyId: key.id, kind }, 'a job answer names no id: later calls about it use the pool');
    try {
      for (const job of jobs) this.deps.store.record(job.id, job.kind, key.id, clientId);
    } catch (err) {
      this.deps.logger.error({ err, keyId: key.id, kind }, 'could not record the key of a job');
    }
  }
}

function namedJob(call: JobCall, body: Buffer): string | null {
  if (!call.about) return null;
  return call.about.in === 'path' ? call.about.id : jobIdInBody(body, call.about.field);
}

function ending(status: number, errorClass: string, code: number, message: string): Ending {
  return { kind: 'ended', status, errorClass, error: { code, message } };
}
