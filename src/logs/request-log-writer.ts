import type { Logger } from '../logger.js';
import type { RequestLogStore } from './request-log-store.js';
import type { RequestLogEntry } from './request-log-types.js';

export type RequestLogWriterOptions = { flushIntervalMs?: number; maxBatch?: number };

/**
 * Keeps request logging off the hot path: write() only appends to memory, and the buffer goes to
 * SQLite in one transaction every flushIntervalMs (or as soon as maxBatch entries are waiting).
 * A failed write is logged and its batch dropped: losing some log rows beats retrying forever or
 * failing the proxied request.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private readonly maxBatch: number;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: RequestLogStore,
    private readonly logger: Logger,
    options: RequestLogWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    // The timer alone must not keep the process alive; shutdown calls close() to write the rest.
    this.timer.unref();
  }

  get pending(): number {
    return this.buffer.length;
  }

  write(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    // After close() there is no timer left: a straggler is written at once rather than forgotten.
    if (this.closed || this.buffer.length >= this.maxBatch) this.flush();
  }

  /** Writes everything buffered in one transaction. Never throws. */
  flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.store.insertMany(batch);
    } catch (err) {
      this.logger.error({ err, dropped: batch.length }, 'request logs could not be written; the batch was dropped');
    }
  }

  /** Stops the timer and writes what is left (shutdown, before the database closes). */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
  }
}
