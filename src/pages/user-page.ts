import type { AccessKeyService } from '../auth/access-key.js';
import type { KeyService } from '../keys/key-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { StatsService } from '../stats/stats-service.js';

export type UserPageDeps = {
  settings: Pick<SettingsService, 'get'>;
  stats: Pick<StatsService, 'pool'>;
  keys: Pick<KeyService, 'list' | 'reveal' | 'row' | 'export'>;
  accessKey: Pick<AccessKeyService, 'current'>;
};

/** What the user page shows, without req/res: the pool at a glance, how to connect, one page of masked keys. */
export function userPageModel(deps: UserPageDeps, options: { page: number; baseUrl: string; isAdmin: boolean }) {
  const { settings, stats, keys, accessKey } = deps;
  const { pageSize, showAccessKeyToGuests, shareKeysWithGuests, keyChecker } = settings.get();
  const page = keys.list({ page: options.page, pageSize, sort: '-totalBalance' });
  // Full keys reach the page only when the admin turned sharing on (the original key-sharing page).
  const reveal = (id: number) => keys.reveal(keys.row(id));
  return {
    stats: stats.pool(),
    keys: page.items.map((k) => ({ ...k, fullKey: shareKeysWithGuests ? reveal(k.id) : null })),
    usableKeys: shareKeysWithGuests ? keys.export({ status: 'active' }).map((e) => e.key) : null,
    page: page.page,
    pages: Math.max(1, Math.ceil(page.total / pageSize)),
    baseUrl: options.baseUrl,
    keyChecker,
    // The access key for the signed-in admin, and for guests only when the admin allows it.
    accessKey: options.isAdmin || showAccessKeyToGuests ? accessKey.current().key : null,
    selfIssue: selfIssueOffer(settings.get()),
  };
}

type OfferSettings = Pick<
  ReturnType<UserPageDeps['settings']['get']>,
  | 'guestSelfService'
  | 'accessControl'
  | 'freeModels'
  | 'selfIssueFreeOnly'
  | 'selfIssueModels'
  | 'selfIssueDailyBudget'
  | 'selfIssueDays'
  | 'selfIssueRpm'
>;

/** The self-issue form's preset (views/partials/self-issue.ejs); null hides the form: off, or a private page. */
export function selfIssueOffer(s: OfferSettings) {
  if (!s.guestSelfService || s.accessControl === 'private') return null;
  const exact = s.selfIssueModels.filter((m) => !m.endsWith('/*'));
  const usable = s.selfIssueFreeOnly ? s.freeModels.filter((m) => exact.length === 0 || exact.includes(m)) : exact;
  return {
    freeOnly: s.selfIssueFreeOnly,
    models: s.selfIssueModels,
    dailyBudget: s.selfIssueDailyBudget,
    days: s.selfIssueDays,
    rpm: s.selfIssueRpm,
    exampleModel: usable[0] ?? s.freeModels[0] ?? 'Qwen/Qwen2.5-7B-Instruct',
  };
}
