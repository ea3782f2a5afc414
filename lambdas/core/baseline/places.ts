/**
 * Where an address is, as far as a country tells: the offline database gives a country, not a
 * city, so impossible travel is judged between country centroids (rounded to a degree, which is
 * far finer than the centroid of a large country is a guess of where someone is).
 *
 * A move is impossible when the great-circle distance between the two centroids, less a margin
 * for where in each country the person really was, cannot be covered at airliner speed in the
 * time between the two events, and the move is at least `MIN_IMPOSSIBLE_KM`. Large countries (US,
 * RU, CA, CN, BR, AU, IN) get a wide margin, so neighbours and big countries seldom trip it; moves
 * across a continent or an ocean within an hour or two do.
 */

/** Approximate centroids, [latitude, longitude] in degrees, by ISO 3166-1 alpha-2 code. */
const CENTROIDS: Readonly<Record<string, readonly [number, number]>> = {
  AE: [24, 54],
  AR: [-34, -64],
  AT: [47, 14],
  AU: [-25, 134],
  BD: [24, 90],
  BE: [51, 4],
  BG: [43, 25],
  BR: [-10, -52],
  BY: [54, 28],
  CA: [56, -100],
  CH: [47, 8],
  CL: [-33, -71],
  CN: [35, 104],
  CO: [4, -73],
  CZ: [50, 15],
  DE: [51, 10],
  DK: [56, 10],
  DZ: [28, 2],
  EE: [59, 26],
  EG: [27, 30],
  ES: [40, -4],
  FI: [64, 26],
  FR: [46, 2],
  GB: [54, -2],
  GR: [39, 22],
  HK: [22, 114],
  HR: [45, 16],
  HU: [47, 19],
  ID: [-2, 118],
  IE: [53, -8],
  IL: [31, 35],
  IN: [22, 79],
  IQ: [33, 44],
  IR: [32, 53],
  IS: [65, -18],
  IT: [43, 12],
  JP: [36, 138],
  KE: [0, 38],
  KP: [40, 127],
  KR: [36, 128],
  KZ: [48, 67],
  LT: [55, 24],
  LU: [50, 6],
  LV: [57, 25],
  MA: [32, -6],
  MX: [23, -102],
  MY: [4, 102],
  NG: [9, 8],
  NL: [52, 5],
  NO: [62, 10],
  NZ: [-41, 174],
  PE: [-10, -76],
  PH: [12, 122],
  PK: [30, 70],
  PL: [52, 19],
  PT: [40, -8],
  QA: [25, 51],
  RO: [46, 25],
  RS: [44, 21],
  RU: [60, 90],
  SA: [24, 45],
  SE: [62, 15],
  SG: [1, 104],
  SI: [46, 15],
  SK: [49, 20],
  TH: [15, 101],
  TR: [39, 35],
  TW: [24, 121],
  UA: [49, 32],
  US: [39, -98],
  VE: [7, -66],
  VN: [16, 107],
  ZA: [-29, 24],
};

/** Countries so large a centroid is a poor guess: km of margin on each end of a move. */
const LARGE_MARGIN_KM: Readonly<Record<string, number>> = {
  US: 2000,
  RU: 2500,
  CA: 2000,
  CN: 1800,
  BR: 1500,
  AU: 1800,
  IN: 1000,
  KZ: 900,
  AR: 900,
  ID: 1200,
  MX: 800,
};
const DEFAULT_MARGIN_KM = 300;
/** A long-haul airliner's cruising speed, with little room for airports: faster is impossible. */
export const MAX_TRAVEL_KMH = 1000;
/**
 * Moves shorter than this (after the margins) are never impossible: between neighbours a mobile
 * network, a border region or a VPN exit is likelier than two people.
 */
export const MIN_IMPOSSIBLE_KM = 500;
const EARTH_RADIUS_KM = 6371;

/** The approximate centroid of a country, or undefined when the table does not know it. */
export const centroidOf = (country: string): readonly [number, number] | undefined => CENTROIDS[country];

/** Great-circle distance between two [lat, lon] points in km. */
export const distanceKm = (a: readonly [number, number], b: readonly [number, number]): number => {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
};

/** A move between two countries judged against airliner speed. */
export interface Travel {
  readonly from: string;
  readonly to: string;
  /** Centroid distance less both countries' margins, km (never negative). */
  readonly km: number;
  readonly hours: number;
  /** km / hours; Infinity for simultaneous events. */
  readonly kmh: number;
  readonly impossible: boolean;
}

/** Judges a move from `from` at `fromTime` to `to` at `toTime`; null when a country is unknown. */
export const judgeTravel = (from: string, fromTime: number, to: string, toTime: number): Travel | null => {
  if (from === to) return null;
  const a = centroidOf(from);
  const b = centroidOf(to);
  if (!a || !b) return null;
  const margin = (LARGE_MARGIN_KM[from] ?? DEFAULT_MARGIN_KM) + (LARGE_MARGIN_KM[to] ?? DEFAULT_MARGIN_KM);
  const km = Math.max(0, distanceKm(a, b) - margin);
  const hours = Math.max(0, toTime - fromTime) / 3_600_000;
  const kmh = hours === 0 ? (km === 0 ? 0 : Number.POSITIVE_INFINITY) : km / hours;
  return {
    from,
    to,
    km: Math.round(km),
    hours: Math.round(hours * 10) / 10,
    kmh: Number.isFinite(kmh) ? Math.round(kmh) : kmh,
    impossible: km >= MIN_IMPOSSIBLE_KM && kmh > MAX_TRAVEL_KMH,
  };
};
