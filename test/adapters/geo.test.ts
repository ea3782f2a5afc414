import { beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_ASNS,
  fakeGeo,
  type GeoDatabase,
  GeoDatabaseError,
  loadedGeoStats,
  loadGeo,
  openGeoDatabase,
  UNKNOWN_GEO,
} from '../../lambdas/adapters/geo.ts';
import { FIXTURE_GEO, IP } from '../core/detectors/fixtures/builders.ts';

describe('the offline geo database', () => {
  let db: GeoDatabase;
  beforeAll(() => {
    db = openGeoDatabase();
  });

  it('loads every IPv4 and IPv6 range of the ASN package', () => {
    expect(db.stats.ipv4Ranges).toBeGreaterThan(300_000);
    expect(db.stats.ipv6Ranges).toBeGreaterThan(50_000);
    expect(db.stats.asns).toBeGreaterThan(50_000);
  });

  it.each([
    ['3.80.12.34', { country: 'US', asn: 14618, isAws: true }],
    ['52.94.133.131', { country: 'US', asn: 16509, isAws: true }],
    ['2600:1f18::1', { country: 'US', asn: 14618, isAws: true }],
    ['2a05:d018::1', { country: 'IE', asn: 16509, isAws: true }],
    ['8.8.8.8', { country: 'US', asn: 15169, isAws: false }],
    ['::ffff:8.8.8.8', { country: 'US', asn: 15169, isAws: false }],
    ['2001:4860:4860::8888', { country: 'US', asn: 15169, isAws: false }],
  ])('places %s', (ip, expected) => {
    const { asnOrg: _, ...place } = db.lookup(ip);
    expect(place).toEqual(expected);
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '127.0.0.1',
    '169.254.169.254',
    '203.0.113.5',
    'fd00::1',
    'fe80::1',
    '::1',
    '::ffff:10.0.0.1',
    'not-an-ip',
    'ec2.amazonaws.com',
  ])('places nothing for %s (private, reserved or not an address)', (ip) => {
    expect(db.lookup(ip)).toEqual(UNKNOWN_GEO);
  });

  it("agrees with the fixtures' fake database, so replayed attack recordings resolve as the tests assume", () => {
    for (const [ip, expected] of Object.entries(FIXTURE_GEO))
      expect(db.lookup(ip), ip).toEqual({ ...UNKNOWN_GEO, ...expected });
    expect(db.lookup(IP.private)).toEqual(UNKNOWN_GEO);
  });

  it('counts every Amazon network it names as AWS', () => {
    expect([...AWS_ASNS].sort((a, b) => a - b)).toEqual([7224, 8987, 9059, 14618, 16509, 38895, 214101]);
  });

  it('names the file it cannot read', () => {
    expect(() =>
      openGeoDatabase({ asnIpv4Csv: '/nonexistent/asn.csv', asnIpv6Csv: null, countryMmdb: '/nonexistent/c.mmdb' }),
    ).toThrow(
      new GeoDatabaseError(
        "cannot read IP ASN database /nonexistent/asn.csv: ENOENT: no such file or directory, open '/nonexistent/asn.csv'",
      ),
    );
  });
});

describe('loadGeo', () => {
  it('reads nothing until the first lookup, then loads once per process', () => {
    // Prepare
    const geo = loadGeo();
    expect(loadedGeoStats()).toBeNull();
    // Act
    const first = geo.lookup('3.80.12.34');
    const stats = loadedGeoStats();
    loadGeo().lookup('8.8.8.8');
    // Assess
    expect(first.isAws).toBe(true);
    expect(stats).not.toBeNull();
    expect(loadedGeoStats()).toBe(stats);
  });
});

describe('fakeGeo', () => {
  it('answers from its table and knows nothing else', () => {
    const geo = fakeGeo({ '198.51.100.7': { country: 'FR', isAws: false, asn: 12876 } });
    expect(geo.lookup('198.51.100.7')).toEqual({ country: 'FR', asn: 12876, asnOrg: null, isAws: false });
    expect(geo.lookup('198.51.100.8')).toEqual(UNKNOWN_GEO);
  });
});
