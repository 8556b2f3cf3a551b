import { chinaDay, chinaMonth } from './client-periods.js';
import { ClientState } from './client-state.js';
import { DEFAULT_CLIENT_ID, type ClientRecord } from './client-types.js';

/** Client keys remembered by their text at most (more than a pool has clients in use at once). */
const PRESENTED_MAX = 10_000;

/** The current China day and month, recomputed only when the day number changes (once a day). */
export type Periods = { day: number; month: number };

/**
 * Every live client key in memory, found by the keyed hash of the presented token (one HMAC the
 * first time, a Map lookup after), no database read. The service updates it synchronously after each
 * store write, so a change applies from the next request; ClientSync drains what the proxy counted.
 */
export class ClientRegistry {
  private readonly byHash = new Map<string, ClientState>();
  private readonly byId = new Map<number, ClientState>();
  private readonly hashOf = new Map<number, string>();
  private readonly dirty = new Set<ClientState>();
  /** Told when the first client becomes dirty after none was (ClientSync arms its write then). */
  private whenDirty: () => void = () => {};
  private periods: Periods = { day: -1, month: -1 };
  /**
   * Client keys already presented, by their text: a key's later requests skip the HMAC. Held in
   * memory only (never written), valid keys only (unknown tokens cannot grow it), emptied by any
   * change to the keys so a rotated or deleted key stops at once, and bounded.
   */
  private readonly presented = new Map<string, ClientState>();

  constructor(private readonly hasher: { hash(token: string): string }) {}

  /** Adds a client or applies its new settings (and key hash, after a rotation), keeping its counters. */
  upsert(record: ClientRecord, hash: string | null): ClientState {
    this.presented.clear();
    let state = this.byId.get(record.id);
    if (state) state.configure(record, record.masked);
    else {
      state = new ClientState(record.id, record, record.masked, record.usage);
      this.byId.set(record.id, state);
    }
    const old = this.hashOf.get(record.id);
    if (old !== hash) {
      if (old !== undefined) this.byHash.delete(old);
      if (hash !== null) {
        this.byHash.set(hash, state);
        this.hashOf.set(record.id, hash);
      } else this.hashOf.delete(record.id);
    }
    return state;
  }

  /** A deleted client: its key stops working at once; its last counts are kept for one more write. */
  remove(id: number): void {
    this.presented.clear();
    const hash = this.hashOf.get(id);
    if (hash !== undefined) this.byHash.delete(hash);
    this.hashOf.delete(id);
    this.byId.delete(id);
  }

  /** The client a token belongs to; client keys are `sfm-…`, so anything else costs no hash. */
  byToken(token: string): ClientState | undefined {
    if (!token.startsWith('sfm-')) return undefined;
    const known = this.presented.get(token);
    if (known) return known;
    const state = this.byHash.get(this.hasher.hash(token));
    if (state) {
      if (this.presented.size >= PRESENTED_MAX) this.presented.clear();
      this.presented.set(token, state);
    }
    return state;
  }

  get(id: number): ClientState | undefined {
    return this.byId.get(id);
  }

  /** Every live client key (the alert engine's budget rule walks them on its tick, never /v1). */
  all(): IterableIterator<ClientState> {
    return this.byId.values();
  }

  /** The admin's own key (row 0), always present once the registry is loaded. */
  get defaultClient(): ClientState {
    return this.byId.get(DEFAULT_CLIENT_ID)!;
  }

  /** Counted usage to write; the client is written again only after its next change. */
  changed(state: ClientState): void {
    const first = this.dirty.size === 0;
    this.dirty.add(state);
    if (first) this.whenDirty();
  }

  /** `listener` runs when a client becomes dirty while none was: one call per write-behind, not per request. */
  onFirstChange(listener: () => void): void {
    this.whenDirty = listener;
  }

  takeDirty(): ClientState[] {
    const out = [...this.dirty];
    this.dirty.clear();
    return out;
  }

  /** The China day and month of `now`, rolling each client's counters lazily when they are read. */
  periodsAt(now: number): Periods {
    const day = chinaDay(now);
    if (day !== this.periods.day) this.periods = { day, month: chinaMonth(now) };
    return this.periods;
  }

  /** The client's counters in the current periods (a new day or month starts them at 0). */
  rolled(state: ClientState, now: number): ClientState {
    const { day, month } = this.periodsAt(now);
    state.roll(day, month);
    return state;
  }
}
