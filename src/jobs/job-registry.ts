import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

export type JobState = 'running' | 'done' | 'failed';

export type JobProgress = {
  id: string;
  kind: string;
  state: JobState;
  total: number;
  done: number;
  /** Checks that settled the key's status: active, exhausted or invalid. */
  ok: number;
  /** Checks that ended in `error`: no answer, a timeout, rate limiting or upstream trouble. */
  failed: number;
  /** How many keys ended in each status. */
  byStatus: Record<string, number>;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
};

/** A background task's progress; emits `progress` on every step and once more when it ends. */
export class Job extends EventEmitter<{ progress: [JobProgress] }> {
  private readonly data: JobProgress;

  constructor(kind: string, total: number) {
    super();
    this.data = {
      id: randomUUID(),
      kind,
      state: 'running',
      total,
      done: 0,
      ok: 0,
      failed: 0,
      byStatus: {},
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
  }

  get id(): string {
    return this.data.id;
  }

  get progress(): JobProgress {
    return { ...this.data, byStatus: { ...this.data.byStatus } };
  }

  get finished(): boolean {
    return this.data.state !== 'running';
  }

  step(status: string, completed: boolean): void {
    this.data.done++;
    if (completed) this.data.ok++;
    else this.data.failed++;
    this.data.byStatus[status] = (this.data.byStatus[status] ?? 0) + 1;
    this.emit('progress', this.progress);
  }

  finish(error?: unknown): void {
    this.data.state = error === undefined ? 'done' : 'failed';
    this.data.error = error === undefined ? null : error instanceof Error ? error.message : JSON.stringify(error);
    this.data.finishedAt = new Date().toISOString();
    this.emit('progress', this.progress);
  }
}

const KEEP_FINISHED_MS = 60 * 60 * 1000;

/** Jobs live in memory: progress is for watching, results are in the database. */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  create(kind: string, total: number): Job {
    this.prune();
    const job = new Job(kind, total);
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  private prune() {
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [id, job] of this.jobs) {
      const finishedAt = job.progress.finishedAt;
      if (finishedAt && Date.parse(finishedAt) < cutoff) this.jobs.delete(id);
    }
  }
}
