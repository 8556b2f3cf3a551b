/**
 * npm run demo — try everything offline: starts the local fake SiliconFlow with demo keys in every
 * state, seeds them into a separate demo database (data/demo), checks them, and starts the app
 * pointed at the fake. Sign in at /admin with admin / admin.
 */
import { loadConfig } from '../src/config/env.js';
import { createContext } from '../src/context.js';
import { demoKeys } from '../src/fake-siliconflow/demo-keys.js';
import { startFakeSiliconFlow } from '../src/fake-siliconflow/index.js';
import { runServer } from '../src/server-runtime.js';

async function main() {
  const keys = demoKeys();
  const fake = await startFakeSiliconFlow({ port: Number(process.env.FAKE_PORT ?? 0), keys });
  const ctx = createContext(
    loadConfig({
      PORT: process.env.PORT ?? '3000',
      HOST: process.env.HOST ?? '127.0.0.1',
      DATA_DIR: process.env.DATA_DIR ?? './data/demo',
      SILICONFLOW_BASE_URL: fake.url,
      CHECK_INTERVAL_MS: '20',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }),
  );

  const imported = ctx.keys.import(Object.keys(keys).join('\n'));
  if (imported.added > 0) {
    const spare = imported.addedIds.at(-1)!;
    ctx.keys.update(spare, { enabled: false, note: 'spare key, switched off by the admin' });
    ctx.keys.update(imported.addedIds[0]!, { note: 'team A' });
  }
  const { job } = ctx.checks.startFullCheck();
  await new Promise<void>((resolve) => (job.finished ? resolve() : job.on('progress', (p) => p.state !== 'running' && resolve())));

  const byStatus = Object.entries(ctx.stats.pool().keys.byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  runServer(ctx, {
    extraBanner: [
      '',
      `  Demo: fake SiliconFlow at ${fake.url} with ${Object.keys(keys).length} keys (${byStatus}).`,
      '  Demo: sign in at /admin with admin / admin. The demo database is separate from the real one.',
      '  演示：使用 admin / admin 登录管理后台。演示数据库与正式数据库分开。',
      ...(ctx.generatedAccessKey ? [] : [`  Demo access key 演示访问密钥: ${ctx.accessKey.current().key}`]),
    ],
    onStop: () => fake.close(),
  });
}

void main();
