import type { Server } from 'node:http';
import { createHttpServer } from './app.js';
import { banner } from './banner.js';
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
  server.on('listening', () => {
    console.log(banner(ctx, server, options.extraBanner ?? []));
    ctx.accessKey.markShown();
  });
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
