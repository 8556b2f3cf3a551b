import { isIP, isIPv4 } from 'node:net';

/** What Express's "trust proxy" setting takes: everything, nothing, a hop count, or addresses. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's named ranges, which Express accepts next to addresses. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false` (the default: X-Forwarded-* are ignored, so nobody can pick the IP the sign-in
 * limits see), `true`, a hop count, or a comma-separated list of proxy addresses, CIDR ranges and the
 * names loopback, linklocal, uniquelocal. Returns undefined for anything else, so start-up can refuse it.
 */
export function parseTrustProxy(text: string): TrustProxy | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d{1,3}$/.test(value)) return Number(value);
  const items = value.split(',').map((item) => item.trim());
  return items.every(isAddressItem) ? items : undefined;
}

/** An address, a CIDR range or address/netmask, or a named range (lower case): also a client key's allow-list entry. */
export function isAddressItem(item: string): boolean {
  if (NAMED_RANGES.has(item) || isIP(item) !== 0) return true;
  const [address = '', range, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || range === undefined || rest.length > 0) return false;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIPv4(range); // a netmask such as 255.255.255.0
}
