import type { AppContext } from '../context.js';

/** What the user page shows, without req/res: the pool at a glance, how to connect, one page of masked keys. */
export function userPageModel(ctx: AppContext, options: { page: number; baseUrl: string; isAdmin: boolean }) {
  const { pageSize, showAccessKeyToGuests, shareKeysWithGuests, keyChecker } = ctx.settings.get();
  const stats = ctx.stats.pool();
  const keys = ctx.keys.list({ page: options.page, pageSize, sort: '-totalBalance' });
  // Full keys reach the page only when the admin turned sharing on (the original key-sharing page).
  const reveal = (id: number) => ctx.keys.reveal(ctx.keys.row(id));
  return {
    stats,
    keys: keys.items.map((k) => ({ ...k, fullKey: shareKeysWithGuests ? reveal(k.id) : null })),
    usableKeys: shareKeysWithGuests ? ctx.keys.export({ status: 'active' }).map((e) => e.key) : null,
    page: keys.page,
    pages: Math.max(1, Math.ceil(keys.total / pageSize)),
    baseUrl: options.baseUrl,
    keyChecker,
    // The access key for the signed-in admin, and for guests only when the admin allows it.
    accessKey: options.isAdmin || showAccessKeyToGuests ? ctx.accessKey.current().key : null,
  };
}
