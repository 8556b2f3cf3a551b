import type { ServerResponse } from 'node:http';

/** An SSE comment: clients and EventSource skip it, and nginx's read timeout starts again. */
const KEEP_ALIVE = ': keep-alive\n\n';

/** The sweep runs this many times per HEARTBEAT_MS: a beat comes after HEARTBEAT_MS of silence, at most a fifth later. */
const SWEEPS_PER_BEAT = 5;
const MIN_SWEEP_MS = 5;

const NL = 0x0a;
const CR = 0x0d;

/**
 * One SSE stream to the client, as the heartbeat sweep sees it. Per upstream chunk it costs a store
 * and a look at the chunk's last bytes: the sweep, not the chunk, reads the clock.
 */
export class StreamBeat {
  /** A chunk went out since the last sweep. */
  wrote = false;
  /** When the sweep last saw the stream write (or beat). */
  quietSince = 0;
  /** Line ends at the end of what was sent: two (or none sent yet) = between events, where a comment may go. */
  private newlines = 2;

  constructor(private readonly res: ServerResponse) {}

  sent(chunk: Buffer): void {
    this.wrote = true;
    this.newlines = trailingNewlines(chunk, this.newlines);
  }

  /** Writes a keep-alive comment when the stream is between events and the client keeps up; true when it did. */
  beat(): boolean {
    if (this.newlines < 2 || this.res.writableNeedDrain || this.res.destroyed || this.res.writableEnded) return false;
    this.res.write(KEEP_ALIVE);
    return true;
  }
}

/**
 * Keeps silent SSE streams alive with one shared sweep (issue 13): a comment after each HEARTBEAT_MS
 * of silence, never a data chunk. The interval runs only while a stream is open, so an idle server
 * has no timer at all; 2,000 open streams cost one pass over a Set every HEARTBEAT_MS / 5.
 */
export class Heartbeats {
  private readonly open = new Set<StreamBeat>();
  private timer: NodeJS.Timeout | undefined;

  /** `everyMs` 0: no heartbeat. */
  constructor(private readonly everyMs: number) {}

  add(stream: StreamBeat): void {
    if (this.everyMs === 0) return;
    stream.quietSince = Date.now();
    this.open.add(stream);
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.max(MIN_SWEEP_MS, Math.floor(this.everyMs / SWEEPS_PER_BEAT)));
    this.timer.unref();
  }

  remove(stream: StreamBeat): void {
    if (!this.open.delete(stream) || this.open.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Streams open now (for tests and the idle check). */
  get size(): number {
    return this.open.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const stream of this.open) {
      if (stream.wrote) {
        stream.wrote = false;
        stream.quietSince = now;
      } else if (now - stream.quietSince >= this.everyMs && stream.beat()) stream.quietSince = now;
    }
  }
}

/** The line ends at the end of what was sent, `before` being the count before this chunk (a `\r` is part of a line end). */
function trailingNewlines(chunk: Buffer, before: number): number {
  let count = 0;
  for (let i = chunk.length - 1; i >= 0; i--) {
    const byte = chunk[i];
    if (byte === NL) count++;
    else if (byte !== CR) return count;
  }
  return before + count;
}
