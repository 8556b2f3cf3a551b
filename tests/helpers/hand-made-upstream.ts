import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/**
 * Hand-made upstreams, for answers and phases the fake SiliconFlow never gives, on random local
 * ports. Call it at a test file's top level, before registering the proxy's own clean-up: after
 * hooks run last-registered first, so the proxy closes before its upstreams do.
 */
export function useHandMadeUpstreams(): (handler: RequestListener) => Promise<string> {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
  return async (handler) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
