/**
 * The baseline model: learns each principal's normal from the events new to its baseline, after
 * the detectors judged them, and keeps its peer group's aggregate up to date.
 */
import type { BaselineModel } from '../baseline-model.ts';
import type { DetectorContext } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { PrincipalStateStore } from '../ports.ts';
import type { Principal } from '../principal.ts';
import type { PrincipalState } from '../state.ts';
import { analyse, SESSION_HOURS } from './analyse.ts';
import { hourOf, hourOfWeek, SENSITIVE_APIS } from './features.ts';
import type { PeerBook } from './peers.ts';
import {
  type Baseline,
  CAPS,
  evictOldest,
  HISTORY_DAYS,
  MAX_DAILY_STEP,
  newBaseline,
  RECENT_DAYS,
  readBaseline,
  SLOT_MAX,
  slotCount,
  T,
  touch,
} from './profile.ts';
import { pushClipped, quantise } from './stats.ts';

const isSensitiveApi = (api: string): boolean => SENSITIVE_APIS.has(api);

/** The most a day's AccessDenied or List/Describe/Get rate (per 1,000 calls) may add above the median. */
const MAX_RATE_STEP = 150;

const perMille = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 1000));

/** Adds a finished day's totals to the volume histories, clipped so no day moves the baseline far. */
const foldDay = (baseline: Baseline, totals: readonly number[], peers: PeerBook, group: string | null): void => {
  const calls = totals[T.calls] ?? 0;
  const gets = quantise(totals[T.gets] ?? 0);
  const bytes = quantise(totals[T.bytes] ?? 0);
  const vol = baseline.vol;
  pushClipped(vol.c, quantise(calls), HISTORY_DAYS, MAX_DAILY_STEP);
  pushClipped(vol.g, gets, HISTORY_DAYS, MAX_DAILY_STEP);
  pushClipped(vol.b, bytes, HISTORY_DAYS, MAX_DAILY_STEP);
  pushClipped(vol.a, quantise(totals[T.distinct] ?? 0), HISTORY_DAYS, MAX_DAILY_STEP);
  pushClipped(vol.d, perMille(totals[T.denied] ?? 0, calls), HISTORY_DAYS, MAX_RATE_STEP);
  pushClipped(vol.l, perMille(totals[T.discovery] ?? 0, calls), HISTORY_DAYS, MAX_RATE_STEP);
  // The recent days stay unclipped: they are what a sustained rise is measured on.
  baseline.rec.g.push(gets);
  baseline.rec.b.push(bytes);
  if (baseline.rec.g.length > RECENT_DAYS) baseline.rec.g.shift();
  if (baseline.rec.b.length > RECENT_DAYS) baseline.rec.b.shift();
  if (group !== null) peers.noteDay(group, gets, bytes);
};

/** Counts an active hour in the hour-of-week profile; a full slot halves the whole profile, so old weeks fade. */
const countSlot = (baseline: Baseline, slot: number): void => {
  let how = baseline.how;
  if (slotCount(how, slot) >= SLOT_MAX) {
    how = [...how].map((digit) => Math.floor(Number.parseInt(digit, 36) / 2).toString(36)).join('');
  }
  const next = (slotCount(how, slot) + 1).toString(36);
  baseline.how = `${how.slice(0, slot)}${next}${how.slice(slot + 1)}`;
};

/** Options of the baseline model. */
export interface BaselineModelOptions {
  /**
   * Peer aggregates, shared with the baseline detectors (`createBaselineDetectors`).
   * @default - the process-wide book that `BASELINE_DETECTORS` read
   */
  readonly peers: PeerBook;
}

/** Learns one event into the principal's baseline. */
const learnEvent = (
  event: VigilEvent,
  state: PrincipalState,
  ctx: DetectorContext,
  peers: PeerBook,
  joined: Set<string>,
): void => {
  const analysis = analyse(event, ctx, { peers });
  let baseline = readBaseline(state.baseline);
  if (!baseline) {
    baseline = newBaseline(event.time, analysis.day);
    state.baseline = baseline as unknown as Record<string, unknown>;
  }
  const { window, group } = analysis;
  const rel = analysis.day - baseline.d0;

  // A day the baseline was learning when it ended joins the history; a day spent frozen never does.
  if (window.done) {
    if (window.done.day - baseline.d0 === baseline.ld) foldDay(baseline, window.done.t, peers, window.done.g ?? null);
    window.done = null;
  }
  if (rel > baseline.ld) {
    baseline.ld = rel;
    baseline.nd++;
  }

  if (group !== null) {
    const membership = `${group}\n${state.key}`;
    if (!joined.has(membership)) {
      joined.add(membership);
      peers.join(group, state.key, {
        apis: Object.keys(baseline.api),
        buckets: Object.keys(baseline.s3),
        countries: Object.keys(baseline.cc),
        asns: Object.keys(baseline.asn),
      });
    }
  }

  const hour = hourOf(event.time);
  if (hour > baseline.hs) {
    countSlot(baseline, hourOfWeek(event.time));
    baseline.hs = hour;
    window.hr = [...window.hr.filter((h) => h > hour - SESSION_HOURS), hour];
    baseline.mfa[analysis.mfa ? 0 : 1]++;
    if (group !== null) peers.noteHour(group, new Date(event.time).getUTCHours());
  }

  const place = analysis.place;
  if (place) {
    touch(baseline.net, place.network, rel, CAPS.net);
    if (place.asn !== null && !touch(baseline.asn, place.asn, rel, CAPS.asn) && group !== null) {
      peers.note(group, 'asn', place.asn);
    }
    if (place.country !== null && !touch(baseline.cc, place.country, rel, CAPS.cc) && group !== null) {
      peers.note(group, 'cc', place.country);
    }
  }
  touch(baseline.ua, analysis.userAgent.family, rel, CAPS.ua);

  const api = touch(baseline.api, analysis.api.name, rel, CAPS.api, isSensitiveApi);
  if (!api && group !== null) peers.note(group, 'api', analysis.api.name);
  if (!api || api[1] !== rel) window.t[T.distinct] = (window.t[T.distinct] ?? 0) + 1;

  const s3 = analysis.s3;
  if (s3) {
    let bucket = baseline.s3[s3.bucket];
    if (!bucket) {
      evictOldest(baseline.s3, CAPS.s3);
      bucket = [rel, rel, 0, 0, s3.sensitive ? 1 : 0];
      baseline.s3[s3.bucket] = bucket;
      if (group !== null) peers.note(group, 's3', s3.bucket);
    }
    const column = s3.write ? 3 : 2;
    bucket[column] = Math.min(bucket[column] + 1, 99_999);
    bucket[1] = rel;
    bucket[4] = s3.sensitive ? 1 : 0;
  }
};

/**
 * The baseline model with the hooks that keep its peer groups in the state table: the scorer reads
 * `extraKeys` with the principals, hands what it read to `load`, and calls `flush` after writing
 * the principals. Without them peers live in the process's memory.
 */
export interface PeerAwareModel extends BaselineModel {
  /** The `peer:<group>` items these principals' events will read and change. */
  extraKeys(principals: readonly Principal[]): string[];
  /** Takes the items read (principals' too; only `peer:` items are used). */
  load(states: ReadonlyMap<string, PrincipalState>): void;
  /** Stores the changed peer items, conditionally, merging with concurrent writers. Returns the conflicts met. */
  flush(store: PrincipalStateStore, now: number): Promise<number>;
}

/** A baseline model over a peer book. */
export const createModel = (options: BaselineModelOptions): PeerAwareModel => {
  const joined = new Set<string>();
  const peers = options.peers;
  return {
    learn: (event, state, ctx) => learnEvent(event, state, ctx, peers, joined),
    extraKeys: (principals) => peers.keysFor(principals),
    load: (states) => peers.load(states),
    flush: (store, now) => peers.flush(store, now),
  };
};
