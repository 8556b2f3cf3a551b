/**
 * A second floor, for information (`npm run bench`): the bare pipe of minimal-proxy.ts with undici
 * (the client this server uses) in place of node:http's client — one keep-alive Pool with no limit
 * on connections, the request body streamed up, the answer's status, headers and body piped back,
 * only Authorization rewritten. It shows what undici itself costs next to node:http.
 *   UPSTREAM_URL (required, e.g. http://127.0.0.1:8787), PORT (default 0 = any free port), HOST (default 127.0.0.1)
 * Prints "minimal undici proxy listening on http://HOST:PORT" when ready; exits on SIGINT/SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:8787');
const host = process.env.HOST || '127.0.0.1';
const pool = new Pool(upstream.origin);
const AUTHORIZATION = `Bearer sk-${'m'.repeat(48)}`;
/** Headers of one hop that undici refuses to be given (it manages the connection itself). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

const server = http.createServer((req, res) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  headers.authorization = AUTHORIZATION;
  pool.request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: req }).then(
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers as http.OutgoingHttpHeaders);
      pipeline(answer.body, res, () => {});
    },
    () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    },
  );
});

/**
 * The accept queue this server listens with (src/server-runtime.ts): with Node's 511, 2,000 streams
 * opening over 2 s cost the floor dropped SYNs (a second each) that the server does not pay, and the
 * first-byte comparison (target 3) would measure queue sizes instead of the proxies' work.
 */
const ACCEPT_BACKLOG = 4096;

server.listen(Number(process.env.PORT ?? 0), host, ACCEPT_BACKLOG, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`minimal undici proxy listening on http://${host}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
