/**
 * The bare http pipe, the floor for any Node proxy and the one every issue-15 ratio is taken against
 * (`npm run bench`): a node:http server that pipes each request to the upstream over a keep-alive
 * agent, rewriting only Authorization, and pipes the answer back. Nothing else on purpose — no
 * access check, no body reading, no retries, no logs, no metrics.
 *   UPSTREAM_URL (required, e.g. http://127.0.0.1:8787), PORT (default 0 = any free port), HOST (default 127.0.0.1)
 * Prints "bare http pipe listening on http://HOST:PORT" when ready; exits on SIGINT/SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:8787');
const host = process.env.HOST || '127.0.0.1';
const agent = new http.Agent({ keepAlive: true });
const AUTHORIZATION = `Bearer sk-${'m'.repeat(48)}`;

const server = http.createServer((req, res) => {
  const upstreamReq = http.request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, authorization: AUTHORIZATION },
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  });
  req.pipe(upstreamReq);
});

/**
 * The accept queue this server listens with (src/server-runtime.ts): with Node's 511, 2,000 streams
 * opening over 2 s cost the floor dropped SYNs (a second each) that the server does not pay, and the
 * first-byte comparison (target 3) would measure queue sizes instead of the proxies' work.
 */
const ACCEPT_BACKLOG = 4096;

server.listen(Number(process.env.PORT ?? 0), host, ACCEPT_BACKLOG, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`bare http pipe listening on http://${host}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
