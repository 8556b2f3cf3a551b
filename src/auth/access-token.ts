import type { IncomingHttpHeaders } from 'node:http';

/** The access key a /v1 client or a scraper sent: `Authorization: Bearer <token>`, or `x-api-key: <token>` (Anthropic-style clients). */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  const apiKey = headers['x-api-key'];
  return bearer ?? (typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined);
}
