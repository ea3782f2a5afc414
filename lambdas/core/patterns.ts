/**
 * Matching configured patterns (`*` wildcards) against principals, buckets and addresses.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Principal } from './principal.ts';

const cache = new Map<string, RegExp>();

/** True when `value` matches `pattern`, where `*` matches any run of characters (case-insensitive). */
export const wildcardMatch = (pattern: string, value: string): boolean => {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'i');
    cache.set(pattern, re);
  }
  return re.test(value);
};

/** True when a pattern matches the principal's key, ARN, name or role. */
export const principalMatches = (pattern: string, principal: Principal): boolean =>
  wildcardMatch(pattern, principal.key) ||
  (principal.arn !== null && wildcardMatch(pattern, principal.arn)) ||
  wildcardMatch(pattern, principal.name) ||
  (principal.context.roleName !== undefined && wildcardMatch(pattern, principal.context.roleName)) ||
  (principal.context.roleArn !== undefined && wildcardMatch(pattern, principal.context.roleArn));

/** True when `ip` lies in `cidr` (IPv4 or IPv6; a bare address is a /32 or /128). */
export const ipInCidr = (ip: string, cidr: string): boolean => {
  const [network, bitsText] = cidr.split('/');
  if (!network) return false;
  const type = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : null;
  if (!type) return false;
  const bits = bitsText === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bitsText);
  if (!Number.isInteger(bits)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network, bits, type);
    return list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
};
