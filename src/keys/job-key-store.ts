import type { Db } from '../db/database.js';
import type { JobKind } from '../siliconflow/jobs.js';

/** How long the proxy remembers a job's key: SiliconFlow keeps batch results for days, not months. */
export const JOB_KEY_RETENTION_DAYS = 30;

/** A recorded job: the key that made it (`keyPresent`: that key is still stored, not deleted), and the client key that asked. */
export type JobKey = { kind: JobKind; keyId: number; keyPresent: boolean; clientId: number };

/** Which key made each file, batch and video job (migration 0011). */
export class JobKeyStore {
  private readonly recordStmt;
  private readonly findStmt;
  private readonly pruneStmt;

  constructor(db: Db) {
    // The key's hash is copied from its row, so a later key that reuses the id is not taken for it.
    this.recordStmt = db.prepare<[string, string, number, number, number]>(
      `INSERT OR REPLACE INTO job_keys (job_id, kind, key_id, key_hash, client_id, created_at)
       SELECT ?, ?, id, key_hash, ?, ? FROM keys WHERE id = ?`,
    );
    this.findStmt = db.prepare<[string], { kind: JobKind; key_id: number; key_present: number; client_id: number }>(
      `SELECT j.kind, j.key_id, k.id IS NOT NULL AS key_present, j.client_id
       FROM job_keys j LEFT JOIN keys k ON k.id = j.key_id AND k.key_hash = j.key_hash WHERE j.job_id = ?`,
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM job_keys WHERE created_at < ?');
  }

  /** Remembers the job; false when the key is no longer stored (deleted while the call was under way). */
  record(jobId: string, kind: JobKind, keyId: number, clientId: number, now = Date.now()): boolean {
    return this.recordStmt.run(jobId, kind, clientId, now, keyId).changes > 0;
  }

  find(jobId: string): JobKey | undefined {
    const row = this.findStmt.get(jobId);
    return row && { kind: row.kind, keyId: row.key_id, keyPresent: row.key_present === 1, clientId: row.client_id };
  }

  /** Housekeeping: forgets jobs made before `cutoff` (ms since epoch); returns how many. */
  deleteOlderThan(cutoff: number): number {
    return this.pruneStmt.run(cutoff).changes;
  }
}
