/**
 * Starting the benchmark's processes: this server on a seeded data folder, and any child that prints
 * a readiness line with its URL. Shared by every case (index.ts and the cases beside it).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startNode, type Child } from './children.js';
import type { PinRole } from './pinning.js';
import { seedKeys, type SeedClients, type SeedEnv, type SeedExtras } from './seed.js';

export const READY_TIMEOUT_MS = 60_000;
/** The access key every benchmark server is started with (AUTH_API_KEY). */
export const ACCESS_KEY = 'bench-access-key-0123456789abcdef';

export type Progress = (line: string) => void;
export const progress: Progress = (line) => console.error(line);

/** A fresh data folder's settings under `workDir` (named by `name`), for seedKeys and startServer. */
export function seedEnv(workDir: string, name: string, fakeUrl: string): SeedEnv {
  return {
    DATA_DIR: join(workDir, `data-${name}`),
    SILICONFLOW_BASE_URL: fakeUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    AUTH_API_KEY: ACCESS_KEY,
  };
}

/** Seeds `count` pool keys (and client keys when asked) into a fresh data folder. */
export async function seed(
  env: SeedEnv,
  count: number,
  clients?: SeedClients,
  extras?: SeedExtras,
): Promise<{ env: SeedEnv; clientKeys: string[] }> {
  const seeded = await seedKeys(env, count, clients, extras);
  const withClients = clients && clients.count > 0 ? ` and ${clients.count.toLocaleString('en-US')} client keys` : '';
  progress(`  seeded ${count.toLocaleString('en-US')} keys${withClients} through the app's services in ${(seeded.ms / 1000).toFixed(2)} s`);
  return { env, clientKeys: seeded.clientKeys };
}

export type StartedServer = { child: Child; url: string; readyMs: number; profileDir?: string };

/**
 * This server, compiled (build/src/server.js), on a seeded data folder; `extraEnv` adds or overrides
 * settings. Resolves once /health answers; `readyMs` is from spawn until then.
 */
export async function startServer(
  name: string,
  env: SeedEnv,
  options: { extraEnv?: Record<string, string>; nodeArgs?: string[]; profileDir?: string } = {},
): Promise<StartedServer> {
  const profiling = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const started = performance.now();
  const server = await startChild(
    name,
    [...profiling, ...(options.nodeArgs ?? []), 'build/src/server.js'],
    /User page.*?(http:\/\/[^/\s]+)\//,
    {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BALANCE_REFRESH_CRON: '0 0 1 1 *', // 1 January: no balance check runs during the benchmark
      KEY_STRATEGY: 'round-robin',
      ACCESS_CONTROL: 'open',
      ...options.extraEnv,
    },
    'proxy',
  );
  const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5_000) });
  if (!health.ok) throw new Error(`${server.url}/health answered ${health.status}`);
  const readyMs = performance.now() - started;
  progress(`  ${name} was ready in ${(readyMs / 1000).toFixed(2)} s`);
  return { ...server, readyMs, profileDir: options.profileDir };
}

/**
 * Starts `node <args>` and waits for the line `ready` matches; its first group is the child's URL.
 * `role` 'proxy' for a proxy under test (pinned to its core, pinning.ts), 'helper' for the rest.
 */
export async function startChild(name: string, args: string[], ready: RegExp, env: Record<string, string>, role: PinRole = 'helper') {
  const child = startNode(name, args, env, role);
  const [, url] = await child.waitFor(ready, READY_TIMEOUT_MS);
  progress(`started ${name} at ${url} (pid ${child.pid})`);
  return { child, url: url! };
}
