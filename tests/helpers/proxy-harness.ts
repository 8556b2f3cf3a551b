import type { FakeKeyState } from '../support/fake-siliconflow/index.js';
import type { Logger } from '../../src/logger.js';
import type { AlertSink } from '../../src/alerts/alert-types.js';
import { fakeKey, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './test-app.js';

export type Proxy = TestApp & {
  base: string;
  accessKey: string;
  /** Calls the proxy with the access key. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Key ids in import order. */
  ids: number[];
  /** Signs in as the admin over the real socket; returns the session cookie for admin API calls. */
  adminCookie(): Promise<string>;
  /** The stored row of a key, after flushing what the proxy learned. */
  row(id: number): Record<string, unknown>;
};

/** An app listening on a real port, with the given keys in the fake SiliconFlow and in the pool, in order. */
export async function startProxy(
  keys: [string, Partial<FakeKeyState>][],
  options: {
    env?: Record<string, string>;
    upstreamUrl?: string;
    upstreamPath?: string;
    logger?: Logger;
    /** Issue 14: sinks that get every alert message (a test's recorder). */
    alertSinks?: AlertSink[];
  } = {},
): Promise<Proxy> {
  const t = await startTestApp({
    keys: Object.fromEntries(keys),
    env: { LOG_LEVEL: 'silent', ...options.env },
    upstreamUrl: options.upstreamUrl,
    upstreamPath: options.upstreamPath,
    logger: options.logger,
    alertSinks: options.alertSinks,
  });
  const imported = t.ctx.keys.import(keys.map(([k]) => k).join('\n'));
  const base = await t.listen();
  const accessKey = t.ctx.accessKey.current().key;
  return {
    ...t,
    base,
    accessKey,
    ids: imported.addedIds,
    call: (path, init = {}) => {
      const { json, headers, ...rest } = init;
      return fetch(base + path, {
        method: json === undefined ? 'GET' : 'POST',
        ...rest,
        headers: {
          authorization: `Bearer ${accessKey}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: json === undefined ? rest.body : JSON.stringify(json),
      });
    },
    adminCookie: async () => {
      const login = await fetch(`${base}/admin/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      });
      return login.headers.get('set-cookie')!.split(';')[0]!;
    },
    row: (id) => {
      t.ctx.flush();
      return t.ctx.db
        .prepare('SELECT status, usage_count, failure_count, last_error, cooling_until, lacks_paid FROM keys WHERE id = ?')
        .get(id) as Record<string, unknown>;
    },
  };
}

/** A chat body; the default model is a paid one (not in FREE_MODELS). */
export const chat = (model = 'deepseek-ai/DeepSeek-V3', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

export { fakeKey };
