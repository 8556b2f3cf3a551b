import type { AccessKeyService } from '../auth/access-key.js';
import { HttpError, notFound } from '../http-error.js';
import type { SpendQuery, SpendReport, SpendService } from '../stats/spend-service.js';
import type { ClientRegistry } from './client-registry.js';
import { maskClientKey, newClientKey } from './client-secret.js';
import type { ClientStore, StoredClient } from './client-store.js';
import { DEFAULT_CLIENT_ID, type ClientOrigin, type ClientRecord, type ClientSettings } from './client-types.js';
import { clientView, type ClientView } from './client-view.js';

export type ClientServiceDeps = {
  store: ClientStore;
  registry: ClientRegistry;
  hasher: { hash(token: string): string };
  accessKey: Pick<AccessKeyService, 'current' | 'rotate'>;
  spend: Pick<SpendService, 'report'>;
  now?: () => number;
};

/** A new or rotated key: the only answer that ever holds it. */
export type IssuedKey = { key: string; client: ClientView };

/** What a client key's holder may see of it (POST /api/client-key/lookup): nothing of the pool or other clients. */
export type ClientLookup = Pick<
  ClientView,
  'name' | 'maskedKey' | 'status' | 'expiresAt' | 'models' | 'freeOnly' | 'usage' | 'remaining' | 'rpm' | 'maxConcurrent'
>;

const defaultFixed = () =>
  new HttpError(
    403,
    'default-client-fixed',
    "The default client is the admin's own access key: it has no limits to change and cannot be deleted.",
  );
const clientNotFound = (id: number) => notFound('client-not-found', `No client key with id ${id}.`);

/**
 * The admin's client keys: create, change, delete, rotate, and their usage. Every write goes to the
 * store first, then to the registry, so the proxy applies it from the next request.
 */
export class ClientService {
  private readonly now: () => number;

  constructor(private readonly deps: ClientServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The default client first, then the others by id; deleted ones only when asked. */
  list(options: { deleted?: boolean } = {}): ClientView[] {
    return this.deps.store
      .all()
      .filter((c) => options.deleted || c.record.deletedAt === null)
      .map((c) => this.view(c));
  }

  get(id: number): ClientView {
    return this.view(this.stored(id));
  }

  /** `origin` marks a key a guest made for themselves (src/clients/self-issue.ts); the admin's are not marked. */
  create(settings: ClientSettings, origin?: ClientOrigin): IssuedKey {
    const key = newClientKey();
    const hash = this.deps.hasher.hash(key);
    const id = this.deps.store.insert(settings, hash, maskClientKey(key), this.now(), origin);
    const stored = this.stored(id);
    this.deps.registry.upsert(stored.record, hash);
    return { key, client: this.view(stored) };
  }

  /** `change` holds only the fields to change; the budgets merge per period. */
  update(id: number, change: Partial<ClientSettings>): ClientView {
    if (id === DEFAULT_CLIENT_ID) throw defaultFixed();
    const { record } = this.live(id);
    const settings: ClientSettings = { ...record, ...change, budgets: { ...record.budgets, ...change.budgets } };
    this.deps.store.update(id, settings);
    const stored = this.stored(id);
    this.deps.registry.upsert(stored.record, stored.hash);
    return this.view(stored);
  }

  /** The key stops working at once; the row stays, so the request log still names it (as deleted). */
  remove(id: number): ClientView {
    if (id === DEFAULT_CLIENT_ID) throw defaultFixed();
    this.live(id);
    this.deps.store.softDelete(id, this.now());
    this.deps.registry.remove(id);
    return this.get(id);
  }

  /** A new key for the same client (limits and usage kept); the old one is refused from the next request. */
  rotate(id: number): IssuedKey {
    if (id === DEFAULT_CLIENT_ID) {
      const key = this.deps.accessKey.rotate();
      return { key, client: this.get(id) };
    }
    this.live(id);
    const key = newClientKey();
    const hash = this.deps.hasher.hash(key);
    this.deps.store.rotate(id, hash, maskClientKey(key));
    const stored = this.stored(id);
    this.deps.registry.upsert(stored.record, hash);
    return { key, client: this.view(stored) };
  }

  /** The client's spend from the ledger (request_logs), by day, hour or model. */
  usage(id: number, query: Omit<SpendQuery, 'clientId'>): SpendReport & { client: ClientView } {
    const client = this.get(id);
    return { client, ...this.deps.spend.report({ ...query, clientId: id }) };
  }

  /** A client key's own view of itself; undefined for a token that is not a live client key (the admin's key included). */
  lookup(token: string): ClientLookup | undefined {
    const state = this.deps.registry.byToken(token);
    if (!state || state.id === DEFAULT_CLIENT_ID) return undefined;
    const { name, maskedKey, status, expiresAt, models, freeOnly, usage, remaining, rpm, maxConcurrent } = this.get(state.id);
    return { name, maskedKey, status, expiresAt, models, freeOnly, usage, remaining, rpm, maxConcurrent };
  }

  private stored(id: number): StoredClient {
    const stored = this.deps.store.get(id);
    if (!stored) throw clientNotFound(id);
    return stored;
  }

  private live(id: number): StoredClient {
    const stored = this.stored(id);
    if (stored.record.deletedAt !== null) throw new HttpError(409, 'client-deleted', `The client key ${id} was deleted.`);
    return stored;
  }

  /** The stored settings with the live counters (the registry's are newer than the last write). */
  private view({ record }: StoredClient): ClientView {
    const now = this.now();
    const state = this.deps.registry.get(record.id);
    const shown: ClientRecord =
      record.id === DEFAULT_CLIENT_ID ? { ...record, masked: maskClientKey(this.deps.accessKey.current().key) } : record;
    return clientView(shown, state?.usage ?? record.usage, state?.active ?? 0, this.deps.registry.periodsAt(now), now);
  }
}
