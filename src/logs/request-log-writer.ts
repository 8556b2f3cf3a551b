import { WriteBehindTimer } from '../jobs/write-behind-timer.js';
import type { Logger } from '../logger.js';
import type { RequestLogStore } from './request-log-store.js';
import type { RequestLogEntry } from './request-log-types.js';

export type RequestLogWriterOptions = { flushIntervalMs?: number; maxBatch?: number };

/**
 * Keeps request logging off the hot path: write() only appends to memory, and the buffer goes to
 * SQLite in one transaction flushIntervalMs after its first entry (or as soon as maxBatch entries
 * are waiting). The timer is armed by that first entry and not re-armed by an empty flush, so an
 * idle server has none. A failed write is logged and its batch dropped: losing some log rows beats
 * retrying forever or failing the proxied request.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private readonly maxBatch: number;
  /** Armed by an entry that finds none armed; fires once. */
  private readonly timer: WriteBehindTimer;
  private closed = false;
  private flushed = 0;

  constructor(
    private readonly store: RequestLogStore,
    private readonly logger: Logger,
    options: RequestLogWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.timer = new WriteBehindTimer(options.flushIntervalMs ?? 1000, () => this.flush());
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Entries handed to the store so far: it moves only when requests were logged (the alert engine's runway reads that). */
  get written(): number {
    return this.flushed;
  }

  write(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    // After close() there is no timer left: a straggler is written at once rather than forgotten.
    if (this.closed || this.buffer.length >= this.maxBatch) this.flush();
    else this.timer.arm();
  }

  /** Writes everything buffered in one transaction. Never throws. */
  flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushed += batch.length;
    try {
      this.store.insertMany(batch);
    } catch (err) {
      this.logger.error({ err, dropped: batch.length }, 'request logs could not be written; the batch was dropped');
    }
  }

  /** Stops the timer and writes what is left (shutdown, before the database closes). */
  close(): void {
    this.closed = true;
    this.timer.stop();
    this.flush();
  }
}
