import type { Server, ServerResponse } from 'node:http';

export type OpenRequests = {
  readonly count: number;
  /** From now on no connection is kept alive after its response, and idle ones close now. */
  drain(): void;
  /** Resolves true once no request is open, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean>;
};

/**
 * The requests being answered, for shutdown: a Set add and delete per request. While draining, a
 * connection is closed as soon as its last response is done: an idle keep-alive connection (every
 * browser and SDK leaves one) would otherwise hold server.close() until the client drops it.
 * `onQuiet` runs each time the last open request ends (the memory settler's cue, memory-settle.ts).
 */
export function trackRequests(server: Server, onQuiet: () => void = () => undefined): OpenRequests {
  const open = new Set<ServerResponse>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    if (draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      open.delete(res);
      // The socket counts as idle once the response has let go of it, after this event.
      if (draining) setImmediate(() => server.closeIdleConnections());
      if (open.size === 0) {
        onIdle?.();
        onQuiet();
      }
    });
  });
  return {
    get count() {
      return open.size;
    },
    drain() {
      draining = true;
      // Responses not begun yet say "Connection: close" and end their connection.
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
      server.closeIdleConnections();
    },
    idle(timeoutMs) {
      if (open.size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const settle = (value: boolean) => {
          clearTimeout(timer);
          onIdle = undefined;
          resolve(value);
        };
        const timer = setTimeout(() => settle(false), timeoutMs);
        onIdle = () => settle(true);
      });
    },
  };
}
