import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { createHttpServer } from './app.js';
import type { Config } from './config/env.js';
import type { AppContext } from './context.js';
import { startScheduledJobs } from './jobs/scheduled-jobs.js';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Listens, starts the scheduled jobs and shuts down gracefully on SIGINT/SIGTERM: stop accepting,
 * let in-flight requests finish, stop the jobs, close the database. Used by server.ts and the demo.
 * Buffered writes (key states learned by the proxy, request logs) are flushed by ctx.close().
 */
export function runServer(ctx: AppContext, options: { extraBanner?: string[]; onStop?: () => Promise<void> } = {}): Server {
  const server = createHttpServer(ctx).listen(ctx.config.port, ctx.config.host);
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `Port ${ctx.config.port} is already in use: stop the other program or set PORT.`
        : `Cannot listen on ${ctx.config.host}:${ctx.config.port}: ${err.message}`,
    );
    process.exit(1);
  });
  server.on('listening', () => console.log(banner(ctx, server, options.extraBanner ?? [])));
  const jobs = startScheduledJobs(ctx);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down');
    jobs.stop();
    const finish = async () => {
      await options.onStop?.();
      await ctx.close();
      process.exit(0);
    };
    server.close(() => void finish());
    server.closeIdleConnections();
    setTimeout(() => {
      ctx.logger.warn('in-flight requests did not finish in time; exiting');
      void finish();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return server;
}

function banner(ctx: AppContext, server: Server, extra: string[]): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.config.port;
  const base = `http://${displayHost(ctx.config)}:${port}`;
  const lines = [
    '',
    'SiliconFlow API Management is running / 服务已启动',
    `  User page  用户页面:   ${base}/`,
    `  Admin      管理后台:   ${base}/admin`,
    `  API base   接口地址:   ${base}/v1`,
    ...(isWildcard(ctx.config.host) ? lanAddresses().map((ip) => `  Network    局域网:     http://${ip}:${port}/`) : []),
    `  Data       数据目录:   ${ctx.config.dataDir}`,
    ...extra,
  ];
  if (ctx.generatedAccessKey) {
    lines.push(
      '',
      `  Access key 访问密钥 (generated, shown once / 已生成，仅显示这一次): ${ctx.generatedAccessKey}`,
      '  Clients use it as their API key for /v1. The admin can show or rotate it later.',
    );
  }
  if (ctx.adminAuth.mustChangePassword()) {
    lines.push(
      '',
      `  ! The admin password is the default "admin": sign in at ${base}/admin and change it now.`,
      '  ! 管理员密码仍是默认的 "admin"，请立即登录管理后台修改。',
    );
  }
  return lines.join('\n') + '\n';
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

function displayHost(config: Config): string {
  return isWildcard(config.host) ? 'localhost' : config.host;
}

/** This machine's IPv4 addresses other machines can reach it on (listening on every interface): what a LAN user types. */
export function lanAddresses(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}
