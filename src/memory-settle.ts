import v8 from 'node:v8';
import vm from 'node:vm';

/** How long no request may be open before a collection runs: a pause then delays no one. */
const QUIET_MS = 10_000;
/** What the heap must have grown by since the last collection (or the start) to be worth one. */
const GROWTH_BYTES = 16 * 2 ** 20;

/**
 * One full garbage collection at a quiet moment, when the heap has grown since the last: after the
 * start (a 100,000-key pool leaves its loading garbage) and after a burst of requests (2,000 open
 * streams). V8 collects its old generation only as it fills and keeps the young one at the size a
 * burst grew it to, so an idle server otherwise keeps all of that resident: measured at 100,000
 * keys, 200 MiB idle before one collection and 157 MiB after it (the young generation back from
 * 32 MB to 1 MB), in 40-110 ms. It never runs while a request is open, and at most once per quiet
 * spell. The quiet lasts 10 s: V8 gives the young generation back only when little was allocated
 * lately (a collection 2 s after a 100,000-key start left RSS at 188 MiB; 10 s after, 158 MiB).
 *
 * Node has no API for it; V8's own gc() is exposed at run time for this module alone (the flag
 * reaches only contexts made after it is set, hence the new context), and nothing else sees it.
 */
export class MemorySettler {
  private readonly timer: NodeJS.Timeout;
  /** The heap's size after the last collection (0 before the first). */
  private settledAt: number;

  constructor(
    private readonly openRequests: () => number,
    private readonly collect: () => void = exposedGc(),
    private readonly heapSize: () => number = () => v8.getHeapStatistics().total_heap_size,
    quietMs = QUIET_MS,
  ) {
    this.settledAt = 0;
    // Armed from the start, and re-armed by quiet(): refresh() reschedules a timer, fired or not.
    this.timer = setTimeout(() => this.settle(), quietMs);
    this.timer.unref();
  }

  /** The server went quiet (the last open request ended), or the start's work is done: look again after QUIET_MS. */
  quiet(): void {
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private settle(): void {
    if (this.openRequests() > 0) return; // the next quiet() looks again
    if (this.heapSize() - this.settledAt < GROWTH_BYTES) return;
    this.collect();
    this.settledAt = this.heapSize();
  }
}

function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
