import { BlockList, isIP, isIPv4 } from 'node:net';
import { isAddressItem } from '../config/trust-proxy.js';

/** A model pattern: an exact name, or `prefix/*` (every model whose name starts with `prefix/`). */
export function isModelPattern(text: string): boolean {
  if (text.length === 0 || text.length > 200 || /\s/.test(text)) return false;
  const star = text.indexOf('*');
  return star === -1 || (star === text.length - 1 && text.endsWith('/*') && text.length > 2);
}

/**
 * The models a key may use, compiled once per settings change: a Set for exact names (one lookup)
 * and the few prefixes of the wildcards. null when every model is allowed.
 */
export type ModelRule = { exact: ReadonlySet<string>; prefixes: readonly string[] } | null;

export function compileModels(patterns: readonly string[]): ModelRule {
  if (patterns.length === 0) return null;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (p.endsWith('/*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return { exact, prefixes };
}

export function modelAllowed(rule: ModelRule, model: string): boolean {
  if (rule === null || rule.exact.has(model)) return true;
  for (const prefix of rule.prefixes) if (model.startsWith(prefix)) return true;
  return false;
}

/** proxy-addr's named ranges, as TRUST_PROXY takes them. */
const NAMED: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

/** An allow-list entry: an address, a CIDR range (or address/netmask), or loopback, linklocal, uniquelocal. */
export const isIpItem = (text: string): boolean => isAddressItem(text.trim().toLowerCase());

/** The addresses a key may be used from, as a BlockList (Node's own range matcher); null = any address. */
export function compileIps(items: readonly string[]): BlockList | null {
  if (items.length === 0) return null;
  const list = new BlockList();
  for (const raw of items) {
    const item = raw.trim().toLowerCase();
    const named = NAMED[item];
    if (named) for (const [net, prefix, type] of named) list.addSubnet(net, prefix, type);
    else addItem(list, item);
  }
  return list;
}

function addItem(list: BlockList, item: string): void {
  const [address = '', range] = item.split('/');
  const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  if (range === undefined) return list.addAddress(address, type);
  const prefix = isIPv4(range) ? netmaskBits(range) : Number(range);
  list.addSubnet(address, prefix, type);
}

/** 255.255.255.0 → 24 (the bits set, as proxy-addr counts a netmask). */
function netmaskBits(mask: string): number {
  return mask.split('.').reduce((bits, part) => bits + (Number(part).toString(2).match(/1/g)?.length ?? 0), 0);
}

/** Whether `address` (an IPv4-mapped IPv6 address counts as its IPv4 form) is on the list. */
export function ipAllowed(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}
