import type { IncomingMessage } from 'node:http';
import { ipAllowed, compileIps } from '../clients/client-rules.js';
import type { TrustProxy } from '../config/trust-proxy.js';

/**
 * The client's address for a client key's allow-list, as Express's req.ip would give it under the
 * same TRUST_PROXY (the /v1 proxy bypasses Express): the socket's peer, or — when that peer is a
 * trusted proxy — the X-Forwarded-For entry before it, hop by hop from the right. Only computed for
 * keys that have an allow-list.
 */
export function clientAddressResolver(trust: TrustProxy): (req: IncomingMessage) => string | undefined {
  if (trust === false) return (req) => req.socket.remoteAddress;
  const trusted = trustTest(trust);
  return (req) => {
    const peer = req.socket.remoteAddress;
    const header = req.headers['x-forwarded-for'];
    if (peer === undefined || !header) return peer;
    const hops = String(header)
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h.length > 0)
      .reverse();
    let address = peer;
    for (let i = 0; i < hops.length && trusted(address, i); i++) address = hops[i]!;
    return address;
  };
}

function trustTest(trust: true | number | string[]): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const list = compileIps(trust)!;
  return (address) => ipAllowed(list, address);
}
