/**
 * How much: the principal's volumes judged at event time, on the window's running totals, so a
 * bulk download fires as the running total crosses the bar, not when the day ends.
 *
 * - Bulk download: S3 objects or bytes read in the last 24 hours against the median day of the
 *   principal's own history and of its peers', whichever is higher (`BULK_RATIO` times, 5 times out
 *   of hours), after excusing a group-wide surge (a quarter-end).
 * - Sustained growth: a ramp of daily reads over days, against where the principal was before it.
 * - Discovery and AccessDenied bursts: the last two clock hours against the principal's normal hour.
 */
import type { VigilEvent } from '../event.ts';
import type { OffHours } from './hours.ts';
import { shapeOf } from './hours.ts';
import type { PeerBaseline, Surge } from './peers.ts';
import { addRow, type Baseline, T, type Window } from './profile.ts';
import { type Feature, formatBytes, round1, type Signal } from './signals.ts';
import { type Growth, growthOf, quantise, ratio, summarise } from './stats.ts';

/** Active days of volume history before volumes are judged on the principal's own history. */
export const MIN_VOLUME_DAYS = 5;
/** Member-days of peer history before peers' volumes are a reference. */
const MIN_PEER_DAYS = 10;
/** Bulk download: a day at least this many times the reference... */
export const BULK_RATIO = 10;
/** Out of the principal's hours, this many times the reference is already bulk. */
export const BULK_RATIO_OFF_HOURS = 5;
/** ...and at least this many objects, or this many bytes. */
export const BULK_MIN_OBJECTS = 200;
/** Bytes floor of a bulk download: 1 GiB. */
export const BULK_MIN_BYTES = 2 ** 30;
/** With no reference at all (a first day with no peers), only this much is bulk. */
export const BULK_NO_REFERENCE_OBJECTS = 5000;
/** Discovery burst: this many discovery APIs new to the principal and uncommon among peers in two hours... */
export const DISCOVERY_NEW_APIS = 10;
/** ...or this many discovery calls in two hours, and 20 times the principal's normal for two hours. */
export const DISCOVERY_CALLS = 400;
/** AccessDenied burst: this many denied calls in two hours, 5 times the normal for two hours, a fifth of the calls. */
export const DENIED_CALLS = 10;
/** Sustained growth: this many consecutive rising days (today's running total included)... */
export const GROWTH_DAYS = 4;
/** ...ending at least this many times where the principal was before the rise... */
export const GROWTH_RATIO = 4;
/** ...and at least this many objects read today... */
export const GROWTH_MIN_OBJECTS = 100;
/** ...or this many bytes: 256 MiB. */
export const GROWTH_MIN_BYTES = 2 ** 28;
/** ...spread over the days: no one day's step more than this share of the rise (a step change is not a ramp). */
export const GROWTH_MAX_STEP_SHARE = 0.5;
/** Active days of history before a rise can be told from a young principal finding its feet. */
const MIN_GROWTH_DAYS = 7;

/** Volumes of the last 24 hours against the principal's and its peers' normal day. */
export interface VolumeCheck {
  readonly objects: number;
  readonly bytes: number;
  readonly sensitiveObjects: number;
  readonly referenceObjects: number | null;
  readonly referenceBytes: number | null;
  /** Where the reference came from. */
  readonly reference: 'own' | 'peers' | 'own and peers' | 'none';
  readonly historyDays: number;
  /** Objects and bytes against the reference, after excusing a group-wide surge. */
  readonly objectRatio: number;
  readonly byteRatio: number;
  /** How much more the whole peer group reads right now (a quarter-end): excused from the ratios. */
  readonly peerSurge: Surge;
}

/** A rise of S3 reads over the last days. */
export interface GrowthCheck {
  readonly risingDays: number;
  readonly anchorObjects: number;
  readonly todayObjects: number;
  readonly anchorBytes: number;
  readonly todayBytes: number;
  readonly ratio: number;
  /** The peer group's own surge in objects read, already excused from `ratio`. */
  readonly peerSurge: number;
}

/** Discovery calls in the last two hours, against the principal's normal hour. */
export interface DiscoveryCheck {
  readonly calls: number;
  /** Calls to discovery APIs new to the principal and uncommon among its peers. */
  readonly newApis: number;
  readonly hourlyNormal: number;
}

/** AccessDenied errors in the last two hours, of all calls, against the principal's normal hour. */
export interface DeniedCheck {
  readonly calls: number;
  readonly of: number;
  readonly hourlyNormal: number;
}

/** No S3 read: nothing to judge. */
export const NO_VOLUME: { volume: null; growth: null; signals: Signal[] } = Object.freeze({
  volume: null,
  growth: null,
  signals: [],
}) as { volume: null; growth: null; signals: Signal[] };

/** Neither a discovery call nor a denied one: nothing to judge. */
export const NO_BURSTS: { discovery: null; denied: null; signals: Signal[] } = Object.freeze({
  discovery: null,
  denied: null,
  signals: [],
}) as { discovery: null; denied: null; signals: Signal[] };

// The rise is re-measured only when today's total moves a quantisation step.
const growths = new WeakMap<object, { key: string; objects: Growth; bytes: Growth }>();

const measureGrowth = (baseline: Readonly<Baseline>, window: Window): { objects: Growth; bytes: Growth } => {
  const finished = window.done && window.done.day - baseline.d0 === baseline.ld ? window.done.t : null;
  const todayG = quantise(window.t[T.gets] ?? 0);
  const todayB = quantise(window.t[T.bytes] ?? 0);
  const key = `${window.day}/${todayG}/${todayB}/${finished ? 1 : 0}/${baseline.rec.g.length}`;
  const cached = growths.get(baseline);
  if (cached?.key === key) return cached;
  const extraG = finished ? [quantise(finished[T.gets] ?? 0)] : [];
  const extraB = finished ? [quantise(finished[T.bytes] ?? 0)] : [];
  const result = {
    key,
    objects: growthOf([...baseline.rec.g, ...extraG, todayG], baseline.vol.g),
    bytes: growthOf([...baseline.rec.b, ...extraB, todayB], baseline.vol.b),
  };
  growths.set(baseline, result);
  return result;
};

const excused = (surge: Surge): string =>
  surge.objects >= 1.2 || surge.bytes >= 1.2
    ? `, after excusing peers reading ${round1(Math.max(surge.objects, surge.bytes))}x their usual`
    : '';

const checkVolume = (
  baseline: Readonly<Baseline> | null,
  peer: Readonly<PeerBaseline> | undefined,
  window: Window,
  surge: Surge,
): VolumeCheck => {
  const vol = baseline?.vol;
  const ownDays = vol?.g.length ?? 0;
  const own = vol && ownDays >= MIN_VOLUME_DAYS ? { g: summarise(vol.g), b: summarise(vol.b) } : null;
  const peers =
    peer && peer.vol.g.length >= MIN_PEER_DAYS ? { g: summarise(peer.vol.g), b: summarise(peer.vol.b) } : null;
  // Far above the principal's normal and its peers': the larger of the two is the bar.
  const refObjects = own || peers ? Math.max(own?.g.median ?? 0, peers?.g.median ?? 0) : null;
  const refBytes = own || peers ? Math.max(own?.b.median ?? 0, peers?.b.median ?? 0) : null;
  const objects = window.s[T.gets] ?? 0;
  const bytes = window.s[T.bytes] ?? 0;
  return {
    objects,
    bytes,
    sensitiveObjects: window.s[T.sensitiveGets] ?? 0,
    referenceObjects: refObjects === null ? null : round1(refObjects),
    referenceBytes: refBytes === null ? null : Math.round(refBytes),
    reference: own && peers ? 'own and peers' : own ? 'own' : peers ? 'peers' : 'none',
    historyDays: ownDays,
    objectRatio: refObjects === null ? 0 : ratio(objects, refObjects * surge.objects, 10),
    byteRatio: refBytes === null ? 0 : ratio(bytes, refBytes * surge.bytes, 50 * 2 ** 20),
    peerSurge: surge,
  };
};

/** Judges an S3 object read: the last 24 hours' volume, and the rise of the last days. */
export const judgeVolume = (
  baseline: Readonly<Baseline> | null,
  peer: Readonly<PeerBaseline> | undefined,
  window: Window,
  surge: Surge,
  offHours: OffHours | null,
): { volume: VolumeCheck; growth: GrowthCheck | null; signals: Signal[] } => {
  const signals: Signal[] = [];
  const add = (feature: Feature, weight: number, detail: string): void => {
    signals.push({ feature, weight: round1(weight), detail });
  };
  let growth: GrowthCheck | null = null;
  {
    const volume = checkVolume(baseline, peer, window, surge);
    const { objects: o, bytes: b, objectRatio, byteRatio, referenceObjects } = volume;
    // Out of hours a smaller excess is already bulk: nobody is at work to need the data.
    const bar = offHours && offHours.level > 0 ? BULK_RATIO_OFF_HOURS : BULK_RATIO;
    const bulk =
      referenceObjects === null
        ? o >= BULK_NO_REFERENCE_OBJECTS
        : (objectRatio >= bar && o >= BULK_MIN_OBJECTS) || (byteRatio >= bar && b >= BULK_MIN_BYTES);
    if (bulk) {
      const r = Math.max(objectRatio, byteRatio, bar);
      const sensitiveShare = volume.sensitiveObjects / Math.max(1, o);
      const weight =
        (referenceObjects === null ? 2 : 2.5 + 1.5 * Math.log10(r / BULK_RATIO)) + (sensitiveShare >= 0.5 ? 1.5 : 0);
      const normal =
        referenceObjects === null
          ? 'no history and no peers to compare with'
          : `${objectRatio}x the objects and ${byteRatio}x the bytes of a normal day (${volume.reference})${excused(surge)}`;
      const fromSensitive = sensitiveShare > 0 ? `; ${Math.round(sensitiveShare * 100)}% from sensitive buckets` : '';
      add(
        'bulk-download',
        Math.min(weight, 6),
        `${o} objects, ${formatBytes(b)} read in 24 h: ${normal}${fromSensitive}`,
      );
    }
    const todayObjects = window.t[T.gets] ?? 0;
    const todayBytes = window.t[T.bytes] ?? 0;
    const enough = todayObjects >= GROWTH_MIN_OBJECTS || todayBytes >= GROWTH_MIN_BYTES;
    if (baseline && baseline.vol.g.length >= MIN_GROWTH_DAYS && enough) {
      const measured = measureGrowth(baseline, window);
      const rg = todayObjects / (Math.max(measured.objects.anchor, 5) * surge.objects);
      const rb = todayBytes / (Math.max(measured.bytes.anchor, 20 * 2 ** 20) * surge.bytes);
      // A ramp: rising for days, spread over them, and already high yesterday (one big day is a bulk download).
      const ramp = (g: Growth, floor: number, factor: number): boolean =>
        g.risingDays >= GROWTH_DAYS &&
        g.largestStepShare <= GROWTH_MAX_STEP_SHARE &&
        g.previous >= (GROWTH_RATIO / 2) * Math.max(g.anchor, floor) * factor;
      const byObjects =
        ramp(measured.objects, 5, surge.objects) && rg >= GROWTH_RATIO && todayObjects >= GROWTH_MIN_OBJECTS;
      const byBytes =
        ramp(measured.bytes, 20 * 2 ** 20, surge.bytes) && rb >= GROWTH_RATIO && todayBytes >= GROWTH_MIN_BYTES;
      growth = {
        risingDays: Math.max(measured.objects.risingDays, measured.bytes.risingDays),
        anchorObjects: round1(measured.objects.anchor),
        todayObjects,
        anchorBytes: Math.round(measured.bytes.anchor),
        todayBytes,
        ratio: round1(Math.max(byObjects ? rg : 0, byBytes ? rb : 0)),
        peerSurge: round1(surge.objects),
      };
      if (byObjects || byBytes) {
        const sensitiveShare = (window.t[T.sensitiveGets] ?? 0) / Math.max(1, todayObjects);
        const weight = 3 + Math.log2(growth.ratio / GROWTH_RATIO) + (sensitiveShare >= 0.5 ? 1.5 : 0);
        add(
          'sustained-growth',
          Math.min(weight, 6),
          `S3 reads rose ${growth.risingDays} days running: today ${todayObjects} objects, ${formatBytes(todayBytes)}, ${growth.ratio}x the ${growth.anchorObjects}-object day before the rise${excused(surge)}`,
        );
      }
    }
    return { volume, growth, signals };
  }
};

/** Judges a discovery call or a denied one against the last two clock hours. */
export const judgeBursts = (
  event: VigilEvent,
  baseline: Readonly<Baseline> | null,
  window: Window,
  row: readonly number[],
  hour: number,
  discovery: boolean,
  hasHistory: boolean,
): { discovery: DiscoveryCheck | null; denied: DeniedCheck | null; signals: Signal[] } => {
  const signals: Signal[] = [];
  const add = (feature: Feature, weight: number, detail: string): void => {
    signals.push({ feature, weight: round1(weight), detail });
  };
  let discoveryCheck: DiscoveryCheck | null = null;
  let deniedCheck: DeniedCheck | null = null;
  {
    const two = [...row];
    const previous = window.h[hour - 1];
    if (previous) addRow(two, previous);
    const vol = baseline?.vol;
    const judged = vol !== undefined && vol.c.length >= MIN_VOLUME_DAYS;
    const dailyCalls = judged ? summarise(vol.c).median : 0;
    // A normal hour: the median day spread over the hours the principal is usually active.
    const activeHours = baseline && baseline.nd > 0 ? Math.max(4, shapeOf(baseline.how).total / baseline.nd) : 8;
    if (discovery) {
      const hourlyNormal = judged ? round1((dailyCalls * summarise(vol.l).stored) / 1000 / activeHours) : 0;
      const calls = two[T.discovery] ?? 0;
      const newApis = two[T.newDiscovery] ?? 0;
      discoveryCheck = { calls, newApis, hourlyNormal };
      if (hasHistory && (newApis >= DISCOVERY_NEW_APIS || (calls >= DISCOVERY_CALLS && calls >= 40 * hourlyNormal))) {
        add(
          'discovery-burst',
          newApis >= 2.5 * DISCOVERY_NEW_APIS ? 3 : 2,
          `${calls} List/Describe/Get calls in 2 h, ${newApis} to APIs the principal never used and its peers rarely do (normal: ${hourlyNormal} an hour)`,
        );
      }
    }
    if (event.accessDenied) {
      const hourlyNormal = judged ? round1((dailyCalls * summarise(vol.d).stored) / 1000 / activeHours) : 0;
      const calls = two[T.denied] ?? 0;
      const of = two[T.calls] ?? 0;
      deniedCheck = { calls, of, hourlyNormal };
      if (calls >= DENIED_CALLS && calls >= 10 * hourlyNormal && calls >= 0.2 * of) {
        const weight = calls >= 5 * DENIED_CALLS ? 3 : 2;
        add('access-denied-burst', weight, `${calls} of ${of} calls denied in 2 h (normal: ${hourlyNormal} an hour)`);
      }
    }
  }
  return { discovery: discoveryCheck, denied: deniedCheck, signals };
};
