/**
 * The processes the cases compare, started the same way for every case: the fake, the two floors
 * (the bare http pipe, the minimal undici proxy) and this server with N keys on a fresh data folder.
 * Proxies under test are pinned to their core (pinning.ts), the fake to the others.
 */
import { seedEnv, seed, startChild, startServer, type StartedServer } from './server.js';
import type { Child } from './children.js';
import { benchKey } from './seed.js';

/** Any token: the floors rewrite Authorization with their own. */
export const FLOOR_TOKEN = 'any-token-the-proxy-rewrites';

/** A key for calls straight to the fake (which serves any key: FAKE_ACCEPT_ANY_KEY). */
export const DIRECT_TOKEN = benchKey(0);

export type Started = { child: Child; url: string };

export function startFake(): Promise<Started> {
  return startChild('fake SiliconFlow', ['build/scripts/fake-siliconflow.js'], /listening on (http:\/\/\S+) /, {
    FAKE_PORT: '0',
    FAKE_RECORD: '0',
    FAKE_ACCEPT_ANY_KEY: '1',
  });
}

export function startBarePipe(fakeUrl: string): Promise<Started> {
  return startChild(
    'bare http pipe',
    ['build/scripts/bench/minimal-proxy.js'],
    /listening on (http:\/\/\S+)/,
    { UPSTREAM_URL: fakeUrl },
    'proxy',
  );
}

export function startUndiciProxy(fakeUrl: string): Promise<Started> {
  const script = 'build/scripts/bench/minimal-undici-proxy.js';
  return startChild('minimal undici proxy', [script], /listening on (http:\/\/\S+)/, { UPSTREAM_URL: fakeUrl }, 'proxy');
}

/** This server with `count` keys on a fresh data folder `name` under `workDir`. */
export async function startKeyedServer(
  workDir: string,
  name: string,
  fakeUrl: string,
  count: number,
  profileDir?: string,
): Promise<StartedServer> {
  const { env } = await seed(seedEnv(workDir, name, fakeUrl), count);
  return startServer(`this server (${count.toLocaleString('en-US')} keys)`, env, { profileDir });
}
