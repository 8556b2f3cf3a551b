import { HttpError } from '../http-error.js';
import { parseYuan } from '../ledger/money.js';
import type { RuntimeSettings } from '../settings/settings-service.js';
import type { ClientService, IssuedKey } from './client-service.js';
import type { ClientStore } from './client-store.js';
import { unlimitedClient, type ClientSettings } from './client-types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** One key per address per 24 hours: enough for a person, too few to farm a pool from one machine. */
export const SELF_ISSUE_PER_IP = 1;

type PresetSettings = Pick<
  RuntimeSettings,
  'selfIssueFreeOnly' | 'selfIssueModels' | 'selfIssueDailyBudget' | 'selfIssueDays' | 'selfIssueRpm' | 'selfIssueMaxKeys'
>;

export type SelfIssueDeps = {
  settings: () => Readonly<PresetSettings>;
  clients: Pick<ClientService, 'create'>;
  store: Pick<ClientStore, 'countLiveSelfIssued' | 'countIssuedTo'>;
  /** The keyed hash the address is kept as (never the address itself). */
  keyedHash(text: string): string;
  now?: () => number;
};

/** The preset the admin chose, as a new client's settings (the guest chooses only the name). */
export function presetSettings(s: Readonly<PresetSettings>, name: string, now: number): ClientSettings {
  return unlimitedClient(name, {
    note: 'self-issued on the user page',
    expiresAt: now + s.selfIssueDays * DAY_MS,
    models: s.selfIssueModels,
    freeOnly: s.selfIssueFreeOnly,
    budgets: { day: parseYuan(s.selfIssueDailyBudget)!, month: null, total: null },
    rpm: s.selfIssueRpm,
  });
}

/**
 * A guest's own client key (guestSelfService): the admin's preset, one per address per 24 hours
 * (counted from the database, so a restart does not reset it), at most selfIssueMaxKeys live at once.
 * Check and insert run in one synchronous call, so two requests at once cannot both pass the limits.
 */
export class SelfIssue {
  private readonly now: () => number;

  constructor(private readonly deps: SelfIssueDeps) {
    this.now = deps.now ?? Date.now;
  }

  issue(address: string, name: string | undefined): IssuedKey {
    const now = this.now();
    const s = this.deps.settings();
    const issuedTo = this.deps.keyedHash(`self-issue:${address}`);
    if (this.deps.store.countIssuedTo(issuedTo, now - DAY_MS) >= SELF_ISSUE_PER_IP) {
      throw new HttpError(429, 'self-issue-ip-limit', 'A client key was already issued to this address in the last 24 hours.');
    }
    if (this.deps.store.countLiveSelfIssued(now) >= s.selfIssueMaxKeys) {
      throw new HttpError(403, 'self-issue-full', 'This server hands out no more self-issued keys for now; ask its admin.');
    }
    return this.deps.clients.create(presetSettings(s, name || 'guest', now), { selfIssued: true, issuedTo });
  }
}
