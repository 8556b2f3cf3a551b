/**
 * npm run demo — try everything offline: starts the local fake SiliconFlow with demo keys in every
 * state, seeds them into the demo's own database (data/demo), checks them, and starts the app
 * pointed at the fake. Sign in at /admin with admin / admin.
 *
 * Self-contained and repeatable: it reads neither .env nor DATA_DIR (that is where the real data
 * lives), and data/demo is emptied at every start, so admin / admin always works and the banner's
 * counts describe this run — not a password or key states left from an earlier one.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { createContext } from '../src/context.js';
import { demoKeys } from '../tests/support/fake-siliconflow/demo-keys.js';
import { startFakeSiliconFlow } from '../tests/support/fake-siliconflow/index.js';
import { projectRoot } from '../src/paths.js';
import { runServer } from '../src/server-runtime.js';

const DEMO_DATA_DIR = join(projectRoot, 'data', 'demo');

async function main() {
  rmSync(DEMO_DATA_DIR, { recursive: true, force: true });
  const keys = demoKeys();
  const fake = await startFakeSiliconFlow({ port: Number(process.env.FAKE_PORT ?? 0), keys });
  const ctx = createContext(
    loadConfig({
      PORT: process.env.PORT ?? '3000',
      HOST: process.env.HOST ?? '127.0.0.1',
      DATA_DIR: DEMO_DATA_DIR,
      ADMIN_PASSWORD: 'admin',
      SILICONFLOW_BASE_URL: fake.url,
      CHECK_INTERVAL_MS: '20',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }),
  );

  const imported = ctx.keys.import(Object.keys(keys).join('\n'));
  ctx.keys.update(imported.addedIds.at(-1)!, { enabled: false, note: 'spare key, switched off by the admin' });
  ctx.keys.update(imported.addedIds[0]!, { note: 'team A' });
  const { job } = ctx.checks.startFullCheck();
  await new Promise<void>((resolve) => (job.finished ? resolve() : job.on('progress', (p) => p.state !== 'running' && resolve())));

  const byStatus = Object.entries(ctx.stats.pool().keys.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  runServer(ctx.serverDeps, {
    extraBanner: [
      '',
      `  Demo: fake SiliconFlow at ${fake.url} with ${Object.keys(keys).length} keys (${byStatus}).`,
      '  Demo: every run starts fresh in data/demo (DATA_DIR and .env are not used): sign in at /admin with admin / admin.',
      '  演示：每次启动都使用全新的演示数据库 data/demo（不使用 DATA_DIR 和 .env），用 admin / admin 登录管理后台。',
    ],
    onStop: () => fake.close(),
  });
}

void main();
