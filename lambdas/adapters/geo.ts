/**
 * The offline IP database behind `GeoLookup`: country from the `@ip-location-db/geo-whois-asn-country-mmdb`
 * MaxMind file, autonomous system from the `@ip-location-db/asn` CSV ranges, loaded into sorted
 * typed arrays and searched by bisection. Nothing is downloaded at run time.
 *
 * Loading reads about 37 MB and takes about half a second, so it happens lazily, on the first
 * lookup, and once per process for the default files; repeated addresses hit a small two-generation
 * cache (an approximate LRU).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
import type { GeoInfo, GeoLookup } from '../core/detector.ts';
import { embeddedIpv4, ipv4ToNumber, ipv6Groups, isReservedIpv4, isReservedIpv6 } from '../core/detectors/ip.ts';

/**
 * Autonomous systems that carry AWS infrastructure: AMAZON-02 (16509) and AMAZON-AES (14618), the
 * bulk of EC2, Lambda and NAT gateway addresses; Amazon Data Services Ireland (8987, 9059) for
 * European regions; Amazon.com Tech Telecom (38895) for Asia Pacific; AS7224, AWS's oldest
 * allocation; and the European Sovereign Cloud (214101). Amazon's corporate networks (21664,
 * 36263, 62785) and Amazon Technologies (801, 400098, 401395) are left out until shown to carry
 * AWS regions' addresses: credentials used from an office are not used from inside AWS.
 */
export const AWS_ASNS: ReadonlySet<number> = new Set([16509, 14618, 8987, 9059, 38895, 7224, 214101]);

/** What an unknown, private or unparseable address resolves to. */
export const UNKNOWN_GEO: GeoInfo = Object.freeze({ country: null, asn: null, asnOrg: null, isAws: false });

/** Where the database files are; each defaults to the installed npm package's file. */
export interface GeoFiles {
  /** `asn-ipv4-num.csv`: `first,last,asn,org` with numeric IPv4 addresses. */
  readonly asnIpv4Csv: string;
  /** `asn-ipv6.csv`: `first,last,asn,org` with textual IPv6 addresses; null skips IPv6 ASNs. */
  readonly asnIpv6Csv: string | null;
  /** A MaxMind DB with a `country_code` per network (IPv4 and IPv6). */
  readonly countryMmdb: string;
}

/** How long loading took and what it holds, for the benchmark and the report. */
export interface GeoLoadStats {
  readonly loadMs: number;
  readonly ipv4Ranges: number;
  readonly ipv6Ranges: number;
  /** IPv6 ranges whose bounds are not /64-aligned (searched on their first 64 bits anyway). */
  readonly ipv6Unaligned: number;
  readonly asns: number;
}

/** A loaded database. */
export interface GeoDatabase extends GeoLookup {
  readonly stats: GeoLoadStats;
}

/** The installed npm packages' files: what a Lambda bundle must ship for `loadGeo()`. */
export const defaultGeoFiles = (): GeoFiles => {
  const require = createRequire(import.meta.url);
  const asnDir = require.resolve('@ip-location-db/asn/package.json').replace(/package\.json$/, '');
  const countryDir = require
    .resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json')
    .replace(/package\.json$/, '');
  return {
    asnIpv4Csv: `${asnDir}asn-ipv4-num.csv`,
    asnIpv6Csv: `${asnDir}asn-ipv6.csv`,
    countryMmdb: `${countryDir}geo-whois-asn-country.mmdb`,
  };
};

/** The database file could not be read or parsed. */
export class GeoDatabaseError extends Error {
  override readonly name = 'GeoDatabaseError';
}

interface RangeTable {
  /** IPv4: the address in the low word (high columns empty). IPv6: the first 64 bits as two 32-bit words. */
  readonly firstHi: Uint32Array;
  readonly firstLo: Uint32Array;
  readonly lastHi: Uint32Array;
  readonly lastLo: Uint32Array;
  readonly asn: Uint32Array;
  readonly length: number;
  readonly unaligned: number;
}

const COMMA = 44;
const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;

/** Parses a decimal unsigned integer from `bytes[start, end)`; NaN when it is not one. */
const decimal = (bytes: Uint8Array, start: number, end: number): number => {
  if (end <= start) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (bytes[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * Parses a textual IPv6 address from `bytes[start, end)` into `groups` (eight 16-bit values).
 * False when it is not a plain IPv6 address (the database holds no embedded IPv4 forms).
 */
const ipv6Bytes = (bytes: Uint8Array, start: number, end: number, groups: Uint16Array): boolean => {
  groups.fill(0);
  let count = 0;
  let gap = -1;
  let value = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c === 58) {
      if (digits === 0) {
        if (i === start && bytes[i + 1] === 58) continue;
        if (gap >= 0 || (i > start && bytes[i - 1] !== 58)) return false;
        gap = count;
        continue;
      }
      if (count === 8) return false;
      groups[count++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    const hex = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (hex < 0 || digits === 4) return false;
    value = value * 16 + hex;
    digits++;
  }
  if (digits > 0) {
    if (count === 8) return false;
    groups[count++] = value;
  }
  if (gap < 0) return count === 8;
  const tail = count - gap;
  for (let k = 1; k <= tail; k++) {
    groups[8 - k] = groups[count - k] ?? 0;
    groups[count - k] = 0;
  }
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
};

/** Where an address parser writes one bound: reused, so parsing a million bounds allocates nothing. */
interface Bound {
  hi: number;
  lo: number;
  /** IPv6: the bound sits on a /64 boundary, so its first 64 bits say everything. */
  aligned: boolean;
}

/** Reads the address `bytes[start, end)` into `out`; false when it is not an address. */
type AddressParser = (bytes: Uint8Array, start: number, end: number, isLast: boolean, out: Bound) => boolean;

/** Growable columns of ranges. */
class RangeColumns {
  private capacity: number;
  firstHi: Uint32Array;
  firstLo: Uint32Array;
  lastHi: Uint32Array;
  lastLo: Uint32Array;
  asn: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.firstHi = new Uint32Array(capacity);
    this.firstLo = new Uint32Array(capacity);
    this.lastHi = new Uint32Array(capacity);
    this.lastLo = new Uint32Array(capacity);
    this.asn = new Uint32Array(capacity);
  }

  push(first: Bound, last: Bound, asn: number): void {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      const grow = (array: Uint32Array): Uint32Array => {
        const next = new Uint32Array(this.capacity);
        next.set(array);
        return next;
      };
      this.firstHi = grow(this.firstHi);
      this.firstLo = grow(this.firstLo);
      this.lastHi = grow(this.lastHi);
      this.lastLo = grow(this.lastLo);
      this.asn = grow(this.asn);
    }
    const n = this.length++;
    this.firstHi[n] = first.hi;
    this.firstLo[n] = first.lo;
    this.lastHi[n] = last.hi;
    this.lastLo[n] = last.lo;
    this.asn[n] = asn;
  }
}

/** Bytes of an ASN CSV: read as bytes, not text, since decoding 20 MB of UTF-8 costs more than parsing it. */
const readDatabase = (path: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new GeoDatabaseError(`cannot read IP ASN database ${path}: ${(error as Error).message}`);
  }
};

/** The organisation field `bytes[start, end)`, unquoted. */
const orgName = (bytes: Buffer, start: number, end: number): string => {
  let text = bytes.toString('utf8', start, end);
  if (text.charCodeAt(0) === QUOTE) text = text.slice(1, text.endsWith('"') ? -1 : undefined).replaceAll('""', '"');
  return text;
};

/** Parses `first,last,asn,org` lines into sorted range columns, recording each ASN's organisation once. */
const parseRanges = (path: string, orgs: Map<number, string>, address: AddressParser): RangeTable => {
  const bytes = readDatabase(path);
  const columns = new RangeColumns(Math.max(1024, Math.ceil(bytes.length / 40)));
  const first: Bound = { hi: 0, lo: 0, aligned: true };
  const last: Bound = { hi: 0, lo: 0, aligned: true };
  let unaligned = 0;
  let sorted = true;
  let prevHi = 0;
  let prevLo = 0;
  let i = 0;
  const size = bytes.length;
  while (i < size) {
    // One pass per line: Buffer.indexOf is a native call per use, which costs more than a loop.
    const start = i;
    let c1 = -1;
    let c2 = -1;
    let c3 = -1;
    while (i < size) {
      const c = bytes[i];
      if (c === NEWLINE) break;
      if (c === COMMA && c3 < 0) {
        if (c1 < 0) c1 = i;
        else if (c2 < 0) c2 = i;
        else c3 = i;
      }
      i++;
    }
    const lineEnd = i;
    i++;
    if (c3 < 0) continue;
    if (!address(bytes, start, c1, false, first) || !address(bytes, c1 + 1, c2, true, last)) continue;
    const asn = decimal(bytes, c2 + 1, c3);
    if (Number.isNaN(asn)) continue;
    if (!first.aligned || !last.aligned) unaligned++;
    if (first.hi < prevHi || (first.hi === prevHi && first.lo < prevLo)) sorted = false;
    prevHi = first.hi;
    prevLo = first.lo;
    columns.push(first, last, asn);
    if (!orgs.has(asn)) orgs.set(asn, orgName(bytes, c3 + 1, bytes[lineEnd - 1] === RETURN ? lineEnd - 1 : lineEnd));
  }
  if (!sorted) throw new GeoDatabaseError(`IP ASN database ${path} is not sorted by first address`);
  const n = columns.length;
  // IPv4 bounds fit in the low word: empty high columns read as 0 in `search` and save 3 MB.
  const wide =
    columns.firstHi.subarray(0, n).some((v) => v !== 0) || columns.lastHi.subarray(0, n).some((v) => v !== 0);
  return {
    firstHi: wide ? columns.firstHi.slice(0, n) : new Uint32Array(0),
    firstLo: columns.firstLo.slice(0, n),
    lastHi: wide ? columns.lastHi.slice(0, n) : new Uint32Array(0),
    lastLo: columns.lastLo.slice(0, n),
    asn: columns.asn.slice(0, n),
    length: n,
    unaligned,
  };
};

const parseIpv4Number: AddressParser = (bytes, start, end, _isLast, out) => {
  const value = decimal(bytes, start, end);
  if (!(value <= 0xffffffff)) return false;
  out.hi = 0;
  out.lo = value;
  out.aligned = true;
  return true;
};

const scratch = new Uint16Array(8);
const parseIpv6Text: AddressParser = (bytes, start, end, isLast, out) => {
  if (!ipv6Bytes(bytes, start, end, scratch)) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = scratch;
  out.hi = g0 * 65536 + g1;
  out.lo = g2 * 65536 + g3;
  out.aligned = isLast ? (g4 & g5 & g6 & g7) === 0xffff : (g4 | g5 | g6 | g7) === 0;
  return true;
};

/** Index of the range holding (hi, lo), or -1. */
const search = (table: RangeTable, hi: number, lo: number): number => {
  let low = 0;
  let high = table.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const fh = table.firstHi[mid] ?? 0;
    if (fh < hi || (fh === hi && (table.firstLo[mid] ?? 0) <= lo)) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found < 0) return -1;
  const lh = table.lastHi[found] ?? 0;
  return lh > hi || (lh === hi && (table.lastLo[found] ?? 0) >= lo) ? found : -1;
};

const EMPTY_TABLE: RangeTable = {
  firstHi: new Uint32Array(0),
  firstLo: new Uint32Array(0),
  lastHi: new Uint32Array(0),
  lastLo: new Uint32Array(0),
  asn: new Uint32Array(0),
  length: 0,
  unaligned: 0,
};

const CACHE_GENERATION = 4096;

/** Opens the database now (synchronously). Prefer `loadGeo`, which defers this to the first lookup. */
export const openGeoDatabase = (files: GeoFiles = defaultGeoFiles()): GeoDatabase => {
  const started = performance.now();
  const orgs = new Map<number, string>();
  const v4 = parseRanges(files.asnIpv4Csv, orgs, parseIpv4Number);
  const v6 = files.asnIpv6Csv === null ? EMPTY_TABLE : parseRanges(files.asnIpv6Csv, orgs, parseIpv6Text);
  let country: Reader<Response>;
  try {
    country = new Reader<Response>(readFileSync(files.countryMmdb));
  } catch (error) {
    throw new GeoDatabaseError(`cannot read IP country database ${files.countryMmdb}: ${(error as Error).message}`);
  }
  const stats: GeoLoadStats = {
    loadMs: Math.round(performance.now() - started),
    ipv4Ranges: v4.length,
    ipv6Ranges: v6.length,
    ipv6Unaligned: v6.unaligned,
    asns: orgs.size,
  };

  const info = (table: RangeTable, hi: number, lo: number, ip: string): GeoInfo => {
    const index = search(table, hi, lo);
    const asn = index >= 0 ? (table.asn[index] ?? null) : null;
    let code: string | null = null;
    try {
      // This database's records are `{ country_code }`, not one of MaxMind's own response shapes.
      code = (country.get(ip) as { country_code?: string } | null)?.country_code ?? null;
    } catch {
      code = null;
    }
    return {
      country: code,
      asn,
      asnOrg: asn === null ? null : (orgs.get(asn) ?? null),
      isAws: asn !== null && AWS_ASNS.has(asn),
    };
  };

  const resolve = (ip: string): GeoInfo => {
    const v4number = ipv4ToNumber(ip);
    if (v4number !== null) return isReservedIpv4(v4number) ? UNKNOWN_GEO : info(v4, 0, v4number, ip);
    const groups = ipv6Groups(ip);
    if (!groups) return UNKNOWN_GEO;
    const embedded = embeddedIpv4(groups);
    if (embedded !== null) {
      if (isReservedIpv4(embedded)) return UNKNOWN_GEO;
      const dotted = [embedded >>> 24, (embedded >>> 16) & 255, (embedded >>> 8) & 255, embedded & 255].join('.');
      return info(v4, 0, embedded, dotted);
    }
    if (isReservedIpv6(groups)) return UNKNOWN_GEO;
    const [g0 = 0, g1 = 0, g2 = 0, g3 = 0] = groups;
    return info(v6, g0 * 65536 + g1, g2 * 65536 + g3, ip);
  };

  // Two generations approximate an LRU without reordering a Map on every hit: addresses used
  // since the last swap survive it, the rest are dropped with the old generation.
  let young = new Map<string, GeoInfo>();
  let old = new Map<string, GeoInfo>();
  return {
    stats,
    lookup(ip: string): GeoInfo {
      let result = young.get(ip);
      if (result) return result;
      result = old.get(ip) ?? resolve(ip);
      if (young.size >= CACHE_GENERATION) {
        old = young;
        young = new Map();
      }
      young.set(ip, result);
      return result;
    },
  };
};

let shared: GeoDatabase | undefined;

/**
 * The offline GeoLookup. Cheap to call: the files are read on the first lookup, and for the
 * installed npm packages' files once per process however many lookups `loadGeo()` hands out.
 * Pass `files` where the packages are not resolvable from this module (a bundle that ships the
 * data files elsewhere); those are loaded once per returned lookup.
 */
export const loadGeo = (files?: GeoFiles): GeoLookup => {
  let own: GeoDatabase | undefined;
  return {
    lookup(ip: string): GeoInfo {
      if (files) {
        own ??= openGeoDatabase(files);
        return own.lookup(ip);
      }
      shared ??= openGeoDatabase();
      return shared.lookup(ip);
    },
  };
};

/** The shared database's load statistics, or null before the first lookup. */
export const loadedGeoStats = (): GeoLoadStats | null => shared?.stats ?? null;

/**
 * A GeoLookup over a fixed table, for tests: each address maps to what it should report; missing
 * fields and unlisted addresses are unknown (null, not AWS).
 */
export const fakeGeo = (table: Readonly<Record<string, Partial<GeoInfo>>>): GeoLookup => ({
  lookup(ip: string): GeoInfo {
    const entry = table[ip];
    return entry ? { ...UNKNOWN_GEO, ...entry } : UNKNOWN_GEO;
  },
});
