import type { EnteredEvent } from '../keys/key-events.js';

/** The statuses whose arrivals are batched (keys-invalid, keys-exhausted). */
export const BATCHED = ['invalid', 'exhausted'] as const;
export type BatchedStatus = (typeof BATCHED)[number];

/** Masked keys a message names at most; the count says how many there were. */
const SAMPLE = 10;

/**
 * A burst of keys moving into one status: each arrival within `windowMs` of the one before it
 * belongs to the same burst, so "5 keys turned invalid in the last 10 minutes" is one message.
 */
export type Burst = {
  status: BatchedStatus;
  first: number;
  last: number;
  /** Each key once (its latest arrival), in the order they came. */
  keys: Map<number, string>;
};

/** What a snapshot holds of a burst: its span, its count, a sample, and how many keys are still in the status. */
export type BurstView = { first: number; last: number; count: number; stillIn: number; masked: string[]; ids: number[] };

/**
 * The bursts now open, one per batched status, fed from `key_events` in id order (KeyEventStore.entered).
 * A burst is forgotten once its window passed without an arrival: the next one starts another.
 */
export class KeyBursts {
  private readonly open = new Map<BatchedStatus, Burst>();

  add(events: readonly EnteredEvent[], windowMs: (s: BatchedStatus) => number): void {
    for (const e of events) {
      const status = e.status as BatchedStatus;
      let burst = this.open.get(status);
      if (burst && e.at - burst.last > windowMs(status)) burst = undefined;
      if (!burst) this.open.set(status, (burst = { status, first: e.at, last: e.at, keys: new Map() }));
      burst.last = Math.max(burst.last, e.at);
      burst.keys.delete(e.keyId);
      burst.keys.set(e.keyId, e.masked);
    }
  }

  /** The burst of `status` still within its window at `now`, with how many of its keys are still in it. */
  view(status: BatchedStatus, now: number, windowMs: number, stillIn: (id: number) => boolean): BurstView | null {
    const burst = this.open.get(status);
    if (!burst) return null;
    if (now - burst.last > windowMs) {
      this.open.delete(status);
      return null;
    }
    let still = 0;
    for (const id of burst.keys.keys()) if (stillIn(id)) still++;
    const ids = [...burst.keys.keys()].slice(-SAMPLE);
    return {
      first: burst.first,
      last: burst.last,
      count: burst.keys.size,
      stillIn: still,
      masked: ids.map((id) => burst.keys.get(id)!),
      ids,
    };
  }
}
