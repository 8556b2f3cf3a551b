import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CorsHeaders } from './cors.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones a proxy must not pass on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Who the client is and where it came from: the addresses reverse proxies and CDNs add (issue 9, item 6),
 * and the web page a browser-based client runs on. None of it is SiliconFlow's business.
 */
const CLIENT_IDENTITY = [
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'client-ip',
  'x-cluster-client-ip',
  'true-client-ip',
  'fastly-client-ip',
  'x-original-forwarded-for',
  'x-appengine-user-ip',
  'x-azure-clientip',
  'x-azure-socketip',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-proxyuser-ip',
  'cdn-loop',
  'origin',
  'referer',
];

/**
 * Whole families of such headers: X-Forwarded-For/-Host/-Proto/-Port/-Server/-Client-Cert…, Cloudflare's
 * CF-Connecting-IP/-IPCountry/-Ray/-Access-Authenticated-User-Email…, Envoy's, and the browser's
 * Sec-Fetch-* and Sec-CH-UA-*.
 */
const CLIENT_IDENTITY_PREFIXES = ['x-forwarded-', 'cf-', 'x-envoy-', 'sec-'];

/** The client's credentials, cookies and identity never reach SiliconFlow; length and encoding are ours to set. */
const DROP_FROM_CLIENT = new Set([
  ...HOP_BY_HOP,
  'host',
  'authorization',
  'x-api-key',
  'cookie',
  'content-length',
  'accept-encoding',
  'expect',
  ...CLIENT_IDENTITY,
]);

function droppedFromClient(name: string): boolean {
  if (DROP_FROM_CLIENT.has(name)) return true;
  for (const prefix of CLIENT_IDENTITY_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

const DROP_FROM_UPSTREAM = new Set([...HOP_BY_HOP, 'set-cookie', 'set-cookie2']);

const NONE: ReadonlySet<string> = new Set();

/** Header names listed in a Connection header are hop-by-hop too. */
function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  // The usual values name no extra header: skip the parsing on the hot path.
  if (!value || value === 'keep-alive' || value === 'close' || value === 'Keep-Alive') return NONE;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * Headers for the upstream request: the client's, minus the dropped ones, plus the pool key.
 * `accept-encoding: identity` keeps bodies readable for token accounting (and we never re-encode).
 */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, key: string, bodyLength: number): Record<string, string | string[]> {
  const listed = connectionListed(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || droppedFromClient(name) || listed.has(name)) continue;
    out[name] = value;
  }
  out.authorization = `Bearer ${key}`;
  // Anthropic-style clients authenticate with x-api-key: answer them in kind.
  if (incoming['x-api-key'] !== undefined) out['x-api-key'] = key;
  out['accept-encoding'] = 'identity';
  if (bodyLength > 0 || incoming['content-length'] !== undefined) out['content-length'] = String(bodyLength);
  return out;
}

/**
 * Headers for the client: upstream's, minus hop-by-hop and cookies, and minus any header that carries
 * `secret`, the pool key this attempt sent (an upstream or gateway echoing it must not hand it out);
 * plus this server's `cors` headers. Bodies are passed as is, so length and encoding stay true.
 */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
  secret: string,
  cors: CorsHeaders,
): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || DROP_FROM_UPSTREAM.has(name) || listed.has(name) || carries(value, secret)) continue;
    // The CORS policy is this server's (CORS_ORIGINS), whatever the upstream says about its own.
    if (name.startsWith('access-control-')) continue;
    out[name] = value;
  }
  for (const name in cors) out[name] = name === 'vary' && out.vary ? `${String(out.vary)}, ${cors.vary}` : cors[name];
  if (String(out['content-type'] ?? '').startsWith('text/event-stream')) out['x-accel-buffering'] = 'no';
  return out;
}

function carries(value: string | string[], secret: string): boolean {
  if (typeof value === 'string') return value.length >= secret.length && value.includes(secret);
  return value.some((v) => v.includes(secret));
}
