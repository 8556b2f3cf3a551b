import type { Server } from 'node:http';
import { constants } from 'node:os';
import type { AppDeps } from './app.js';
import { createHttpServer } from './http-server.js';
import { banner, type BannerDeps } from './banner.js';
import type { Config } from './config/env.js';
import { startScheduledJobs, type ScheduledJobsDeps } from './jobs/scheduled-jobs.js';
import { MemorySettler } from './memory-settle.js';
import type { Logger } from './logger.js';
import { trackRequests, type OpenRequests } from './open-requests.js';
import { watchParent } from './parent-watch.js';

/** After the deadline: how long the ended requests get to send their last bytes, before and after connections are cut. */
const FORCE_GRACE_MS = 250;
/** Past SHUTDOWN_TIMEOUT_MS plus this, something hangs that should not: exit anyway. */
const HARD_LIMIT_MS = 3000;

/** What a running server uses: the app it serves, its jobs, its banner, and how to stop (built by createContext). */
export type ServerDeps = {
  config: Pick<Config, 'host' | 'port' | 'shutdownTimeoutMs'>;
  app: AppDeps;
  jobs: ScheduledJobsDeps;
  banner: BannerDeps;
  logger: Logger;
  /** The banner printed the generated access key: later starts do not print it again (AccessKeyService.markShown). */
  accessKeyShown: () => void;
  /** At the shutdown deadline: ends every /v1 exchange still open, and any that starts later. */
  stopProxy: () => void;
  /** Flushes key states and request logs, closes connections and the database. */
  close: () => Promise<void>;
  /** Resolves when the start-up's background work is done (the pool's secrets decrypted: PoolSync.opened). */
  started: () => Promise<void>;
};

/**
 * Connections the kernel may queue before the server accepts them (capped by net.core.somaxconn).
 * Node's 511 overflows when a burst of clients connects while the event loop is busy for a moment —
 * 2,000 streams opened over 2 s did — and each dropped SYN costs its client a second before it retries.
 */
const ACCEPT_BACKLOG = 4096;

export type RunOptions = {
  extraBanner?: string[];
  /** Runs once the database is closed, just before the exit (the demo stops its fake SiliconFlow). */
  onStop?: () => Promise<void>;
  /** Also stop when the process that started this one exits (npm start: see parent-watch.ts). */
  stopWithParent?: boolean;
};

/**
 * Listens, starts the scheduled jobs, and stops on SIGINT/SIGTERM (see shutdown). Used by launch.ts
 * (npm start, Docker, systemd, start-direct.js) and the demo.
 */
export function runServer(deps: ServerDeps, options: RunOptions = {}): Server {
  const { config, logger } = deps;
  const server = createHttpServer(deps.app).listen(config.port, config.host, ACCEPT_BACKLOG);
  // Issue 15, memory: one full collection at a quiet moment after the start and after a burst.
  const settler = new MemorySettler(() => requests.count);
  const requests = trackRequests(server, () => settler.quiet());
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `Port ${config.port} is already in use: stop the other program or set PORT.`
        : `Cannot listen on ${config.host}:${config.port}: ${err.message}`,
    );
    process.exit(1);
  });
  server.on('listening', () => {
    console.log(banner(deps.banner, server, options.extraBanner ?? []));
    deps.accessKeyShown();
  });
  // Issue 15, start-up order: the scheduled jobs start once the start-up's background work is done.
  // None is needed to serve, and their first runs are not small for a large pool (the alert engine's
  // first tick reads an SQL aggregate over every key: ~0.2 s at 100,000 keys): the first requests do not wait for them.
  let jobs: { stop(): void } | undefined;
  let stopping = false;
  void deps.started().then(() => {
    if (!stopping) jobs = startScheduledJobs(deps.jobs);
    settler.quiet();
  });
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    settler.stop();
    void shutdown(deps, server, requests, () => jobs?.stop(), reason, options.onStop);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return stop(signal);
    // The second Ctrl-C: whoever presses it does not want to wait.
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (options.stopWithParent) watchParent(() => stop('parent-exited'));
  return server;
}

/**
 * The one way the server stops, bounded by SHUTDOWN_TIMEOUT_MS whatever SiliconFlow is doing: stop
 * accepting, let the requests in flight run until the deadline, then end those still open (streams
 * with a last error event, calls still waiting for SiliconFlow with an error), cut what is left,
 * flush key states and request logs, close the database, exit 0.
 */
async function shutdown(
  deps: ServerDeps,
  server: Server,
  requests: OpenRequests,
  stopJobs: () => void,
  reason: string,
  onStop: (() => Promise<void>) | undefined,
): Promise<void> {
  const { logger } = deps;
  const timeoutMs = deps.config.shutdownTimeoutMs;
  logger.info({ reason, inFlight: requests.count, timeoutMs }, 'shutting down');
  setTimeout(() => {
    logger.error('the shutdown did not finish in time; exiting');
    process.exit(1);
  }, timeoutMs + HARD_LIMIT_MS).unref();
  stopJobs();
  server.close();
  requests.drain();
  if (!(await requests.idle(timeoutMs))) {
    logger.warn({ inFlight: requests.count }, 'requests still running at SHUTDOWN_TIMEOUT_MS: ending them');
    deps.stopProxy();
    await requests.idle(FORCE_GRACE_MS);
    server.closeAllConnections();
    await requests.idle(FORCE_GRACE_MS);
  }
  server.closeAllConnections();
  await deps.close();
  await onStop?.();
  process.exit(0);
}
