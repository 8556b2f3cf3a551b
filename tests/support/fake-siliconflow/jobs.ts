/**
 * The fake's files, batches and video jobs. Each belongs to the account whose key created it
 * (account.ts): asked about with a key of another account, it is answered as an unknown id.
 */
import { randomBytes } from 'node:crypto';
import { CODE_INVALID_PARAMETER } from '../../../src/siliconflow/errors.js';
import { fakeAccountId } from './account.js';
import type { FakeContext } from './context.js';
import type { UpstreamError } from './errors.js';

export interface FakeFile {
  id: string;
  account: string;
  filename: string;
  purpose: string;
  content: Buffer;
  /** Unix seconds. */
  createdAt: number;
}

export interface FakeBatch {
  id: string;
  account: string;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: unknown;
  status: 'in_queue' | 'completed' | 'cancelling' | 'cancelled';
  /** Its results, a file of the same account (set when it completes). */
  outputFileId: string | null;
  createdAt: number;
  cancellingAt: number | null;
  cancelledAt: number | null;
}

export interface FakeVideo {
  requestId: string;
  account: string;
  model: string;
  prompt: string;
  /** How often its status was asked: the job moves on one step per call (InQueue → InProgress → Succeed). */
  polls: number;
}

/**
 * What the fake answers for an id its account does not have (unknown, or another account's). The
 * real answer has not been seen: the choice is documented as uncertain in docs/siliconflow.md.
 */
export const UNKNOWN_JOB = {
  file: { status: 404, code: CODE_INVALID_PARAMETER, message: 'The file does not exist.' },
  batch: { status: 404, code: CODE_INVALID_PARAMETER, message: 'The batch does not exist.' },
  video: { status: 400, code: CODE_INVALID_PARAMETER, message: 'The requestId does not exist.' },
} as const satisfies Record<string, UpstreamError>;

export class FakeJobs {
  readonly files = new Map<string, FakeFile>();
  readonly batches = new Map<string, FakeBatch>();
  readonly videos = new Map<string, FakeVideo>();

  /** The job if the account has it: another account's is as unknown as one never made. */
  file(id: string, account: string): FakeFile | undefined {
    const file = this.files.get(id);
    return file?.account === account ? file : undefined;
  }

  batch(id: string, account: string): FakeBatch | undefined {
    const batch = this.batches.get(id);
    return batch?.account === account ? batch : undefined;
  }

  video(requestId: string, account: string): FakeVideo | undefined {
    const video = this.videos.get(requestId);
    return video?.account === account ? video : undefined;
  }
}

/** The account of the request's key (every handler runs after the key was accepted). */
export function accountOfRequest(ctx: FakeContext): string {
  return fakeAccountId(ctx.key ?? '', ctx.state ?? {});
}

/** SiliconFlow's ids look like `file-jkvytbjtow`: a prefix and ten lowercase letters. */
export function jobId(prefix: string): string {
  const letters = [...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return `${prefix}${letters}`;
}

export const unixSeconds = (): number => Math.floor(Date.now() / 1000);
