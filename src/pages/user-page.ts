import type { AppContext } from '../context.js';

/** What the user page shows, without req/res: the pool at a glance, how to connect, one page of masked keys. */
export function userPageModel(ctx: AppContext, options: { page: number; baseUrl: string; isAdmin: boolean }) {
  const { pageSize } = ctx.settings.get();
  const stats = ctx.stats.pool();
  const keys = ctx.keys.list({ page: options.page, pageSize, sort: '-totalBalance' });
  return {
    stats,
    keys: keys.items,
    page: keys.page,
    pages: Math.max(1, Math.ceil(keys.total / pageSize)),
    baseUrl: options.baseUrl,
    // The access key only for the signed-in admin; guests see a placeholder.
    accessKey: options.isAdmin ? ctx.accessKey.current().key : null,
  };
}
