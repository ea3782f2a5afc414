/**
 * IP address arithmetic for detectors and the offline geo database: parsing to numbers and telling
 * private and reserved ranges (which no IP database places anywhere) from public ones.
 */

/** An IPv4 address as an unsigned 32-bit number, or null when `ip` is not dotted-quad IPv4. */
export const ipv4ToNumber = (ip: string): number | null => {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const code = ip.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || part > 255) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    if (code < 48 || code > 57 || digits === 3) return null;
    part = part * 10 + (code - 48);
    digits++;
  }
  if (dots !== 3 || digits === 0 || part > 255) return null;
  return value * 256 + part;
};

/**
 * The eight 16-bit groups of an IPv6 address, or null when `ip` is not IPv6. An embedded dotted
 * IPv4 tail (`::ffff:192.0.2.1`) fills the last two groups.
 */
export const ipv6Groups = (ip: string): number[] | null => {
  if (ip.indexOf(':') < 0) return null;
  const zone = ip.indexOf('%');
  const text = zone >= 0 ? ip.slice(0, zone) : ip;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseHalf = (half: string): number[] | null => {
    if (half === '') return [];
    const groups: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = ipv4ToNumber(part);
        if (v4 === null) return null;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
      groups.push(Number.parseInt(part, 16));
    }
    return groups;
  };
  const head = parseHalf(halves[0] ?? '');
  const tail = halves.length === 2 ? parseHalf(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
};

// [first, last] of each private or reserved IPv4 block (RFC 6890 and friends).
const RESERVED_V4: readonly (readonly [number, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
].map(([network, bits]) => {
  const first = ipv4ToNumber(network as string) ?? 0;
  return [first, first + 2 ** (32 - (bits as number)) - 1] as const;
});

/** True when an IPv4 number lies in a private or reserved block. */
export const isReservedIpv4 = (value: number): boolean =>
  RESERVED_V4.some(([first, last]) => value >= first && value <= last);

/**
 * The IPv4 address an IPv6 address carries (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`),
 * as a number, or null.
 */
export const embeddedIpv4 = (groups: readonly number[]): number | null => {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  return mapped || nat64 ? g6 * 65536 + g7 : null;
};

/** True when IPv6 groups lie in a non-global block (loopback, unique local, link local, multicast, documentation). */
export const isReservedIpv6 = (groups: readonly number[]): boolean => {
  const [g0 = 0, g1 = 0] = groups;
  if (groups.every((g, i) => g === 0 || (i === 7 && g === 1))) return true;
  if ((g0 & 0xfe00) === 0xfc00) return true;
  if ((g0 & 0xffc0) === 0xfe80) return true;
  if ((g0 & 0xff00) === 0xff00) return true;
  if (g0 === 0x2001 && g1 === 0x0db8) return true;
  // Global unicast is 2000::/3; anything else is unassigned or special.
  return (g0 & 0xe000) !== 0x2000 && embeddedIpv4(groups) === null;
};

/** True for addresses no IP database can place: private, loopback, link-local, documentation, multicast. */
export const isReservedAddress = (ip: string): boolean => {
  const v4 = ipv4ToNumber(ip);
  if (v4 !== null) return isReservedIpv4(v4);
  const groups = ipv6Groups(ip);
  if (!groups) return false;
  const embedded = embeddedIpv4(groups);
  return embedded !== null ? isReservedIpv4(embedded) : isReservedIpv6(groups);
};
