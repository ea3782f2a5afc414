/**
 * One event judged against its principal's baseline: every feature the baseline detectors read,
 * computed once per event and shared by all of them and by `learn`.
 *
 * Judging an event also moves the short-term window (today's totals, the last 24 hours by hour,
 * the anomalies of the last hours), exactly once per event: the analysis is cached per state
 * object, so every detector and `learn` see the same numbers, and a retried batch (a fresh state
 * object) starts again from the stored window.
 *
 * Scores. Each anomaly is a signal with a weight (a new country 2, a new network 0.5, ...). A
 * detector's score is its own signal's weight plus the other anomalies of the last three hours
 * (at most `MAX_CORROBORATION`): a new country alone is low; a new country at 3 a.m. with a new
 * tool is high. MFA on the session halves the weight of where and how (a traveller signs in
 * with MFA; stolen keys do not). A young baseline halves the score.
 */
import type { DetectorContext, GeoInfo } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import { SEVERITIES, type Severity } from '../finding.ts';
import {
  apiName,
  DAY,
  dayOf,
  HOUR,
  hourOf,
  isDiscovery,
  networkOf,
  SENSITIVE_APIS,
  s3Access,
  userAgentFamily,
} from './features.ts';
import { judgeHours, type OffHours } from './hours.ts';
import { type PeerBook, type PeerShare, peerGroupOf } from './peers.ts';
import { judgeTravel, type Travel } from './places.ts';
import {
  addRow,
  type Baseline,
  CAPS,
  emptyHour,
  emptyTotals,
  known,
  readBaseline,
  type Seen,
  T,
  type Window,
  windowIn,
} from './profile.ts';
import { type Feature, round1, type Signal } from './signals.ts';
import {
  type DeniedCheck,
  type DiscoveryCheck,
  type GrowthCheck,
  judgeBursts,
  judgeVolume,
  NO_BURSTS,
  NO_VOLUME,
  type VolumeCheck,
} from './volumes.ts';

/** The detector memory slot the window lives in. */
export const WINDOW_MEMORY = 'baseline.window';

/** Signals older than this no longer corroborate. */
export const SESSION_HOURS = 3;
/** The most the other anomalies of a session add to a detector's own weight. */
export const MAX_CORROBORATION = 4;
/** Score thresholds of medium, high and critical. */
export const SEVERITY_SCORES = { medium: 3, high: 4.5, critical: 7 } as const;
/** A young baseline's scores are multiplied by this. */
export const YOUNG_FACTOR = 0.5;
/** Hours an MFA sign-in vouches for later calls from the same network. */
export const MFA_SESSION_HOURS = 12;

/** Peers below which the group is too small to judge rarity. */
export const MIN_PEERS = 4;
/** A thing this common among peers is normal for the group. */
export const COMMON_AMONG_PEERS = 0.25;
/** An API at most this common among peers is rare for the group. */
export const RARE_AMONG_PEERS = 0.05;

/** Where an event came from, as the baseline sees it. */
export interface Place {
  readonly ip: string;
  readonly network: string;
  readonly asn: string | null;
  readonly asnOrg: string | null;
  /** Null for addresses inside AWS and unlisted ones. */
  readonly country: string | null;
  readonly isAws: boolean;
  readonly newNetwork: boolean;
  readonly newAsn: boolean;
  readonly newCountry: boolean;
  readonly countryPeers: PeerShare;
  readonly travel: Travel | null;
}

/** Everything the baseline detectors read about one event. */
export interface Analysis {
  readonly event: VigilEvent;
  readonly baseline: Readonly<Baseline> | null;
  readonly window: Window;
  /** UTC day number of the event. */
  readonly day: number;
  /** Days since the baseline's first event, one decimal. */
  readonly ageDays: number;
  readonly young: boolean;
  /** True once the baseline has history from before today: novelty can be judged. */
  readonly hasHistory: boolean;
  readonly group: string | null;
  /** The call had MFA, or an MFA sign-in from its network came within `MFA_SESSION_HOURS`. */
  readonly mfa: boolean;
  readonly place: Place | null;
  readonly userAgent: { readonly family: string; readonly isNew: boolean };
  readonly api: {
    readonly name: string;
    readonly isNew: boolean;
    readonly sensitive: boolean;
    readonly discovery: boolean;
    /** How many peers use the API (only looked up for an API new to the principal). */
    readonly peers: PeerShare;
  };
  readonly s3: {
    readonly bucket: string;
    readonly write: boolean;
    readonly objectRead: boolean;
    readonly sensitive: boolean;
    readonly isNew: boolean;
    readonly peers: PeerShare;
  } | null;
  readonly offHours: OffHours | null;
  readonly volume: VolumeCheck | null;
  readonly growth: GrowthCheck | null;
  readonly discovery: DiscoveryCheck | null;
  readonly denied: DeniedCheck | null;
  /** This event's anomalies. */
  readonly signals: readonly Signal[];
}

/** What analysing needs beyond the detector context: the peer book. */
export interface AnalysisDeps {
  readonly peers: PeerBook;
}

const NO_PEERS: PeerShare = Object.freeze({ members: 0, count: 0, share: 0 });
// Detectors and `learn` read an event's analysis one after the other, before the next event.
let last: { state: object; event: VigilEvent; analysis: Analysis } | null = null;

/** Judges `event` against the state in `ctx` and moves the window; the same object for repeated calls. */
export const analyse = (event: VigilEvent, ctx: DetectorContext, deps: AnalysisDeps): Analysis => {
  if (last && last.state === ctx.state && last.event === event) return last.analysis;
  const analysis = compute(event, ctx, deps);
  last = { state: ctx.state, event, analysis };
  return analysis;
};

/** The most used entries of a set seen before `day`: what a responder compares a new one with. */
export const knownKeys = (set: Record<string, Seen> | undefined, day: number): string[] =>
  Object.entries(set ?? {})
    .filter(([, seen]) => seen[0] < day)
    .sort((a, b) => b[1][2] - a[1][2])
    .slice(0, 5)
    .map(([key]) => key);

/**
 * True when the principal's networks churn (CI runners, mobile carriers): most of a nearly full
 * set seen on one day only. A new network says nothing about such a principal.
 */
const roaming = (baseline: Readonly<Baseline> | null, day: number): boolean => {
  if (!baseline) return false;
  const cached = roamers.get(baseline);
  if (cached?.day === day) return cached.roaming;
  const seen = Object.values(baseline.net);
  const value = seen.length >= CAPS.net - 2 && seen.filter((s) => s[2] === 1 && s[0] < day).length >= seen.length / 2;
  roamers.set(baseline, { day, roaming: value });
  return value;
};

// Judged once a day per baseline: networks seen today do not change the verdict.
const roamers = new WeakMap<object, { day: number; roaming: boolean }>();

/** Moves the window to the event's day and hour; returns this hour's row. */
const moveWindow = (
  window: Window,
  baseline: Readonly<Baseline> | null,
  day: number,
  hour: number,
  frozen: boolean,
): number[] => {
  if (day > window.day) {
    // A finished day joins the history only if it was learnt, and learnt whole: a day with frozen
    // events (a case was open) never does. An older finished day not yet learnt is kept.
    const learnt = baseline !== null && baseline.ld === window.day - baseline.d0 && window.fz !== window.day;
    if (window.t[T.calls] && learnt) window.done = { day: window.day, t: window.t, g: window.g ?? null };
    window.t = emptyTotals();
    window.g = null;
    window.day = day;
  }
  let row = window.h[hour];
  if (!row) {
    for (const [key, old] of Object.entries(window.h)) {
      if (Number(key) > hour - 24) continue;
      addRow(window.s, old, -1);
      delete window.h[key];
    }
    row = emptyHour();
    window.h[hour] = row;
  }
  if (frozen) window.fz = day;
  return row;
};

/** MFA of the session: remembered per network for `MFA_SESSION_HOURS`. */
const sessionMfa = (window: Window, event: VigilEvent, network: string | null): boolean => {
  const mfa = window.mfa;
  for (const net in mfa) if (event.time - (mfa[net] ?? 0) > MFA_SESSION_HOURS * HOUR) delete mfa[net];
  if (event.mfa === true && network !== null) {
    mfa[network] = event.time;
    const nets = Object.keys(mfa);
    if (nets.length > 4) delete mfa[nets.reduce((a, b) => ((mfa[a] ?? 0) <= (mfa[b] ?? 0) ? a : b))];
  }
  return event.mfa === true || (network !== null && mfa[network] !== undefined);
};

const compute = (event: VigilEvent, ctx: DetectorContext, deps: AnalysisDeps): Analysis => {
  const time = event.time;
  const day = dayOf(time);
  const hour = hourOf(time);
  const baseline = readBaseline(ctx.state.baseline);
  const window = windowIn(ctx.memory(WINDOW_MEMORY), day);
  const frozen = ctx.state.openCaseId !== null && time < (ctx.state.frozenUntil ?? 0);
  const row = moveWindow(window, baseline, day, hour, frozen);
  const rel = baseline ? day - baseline.d0 : 0;
  const ageDays = baseline ? round1((time - baseline.t0) / DAY) : 0;
  const young = ageDays < ctx.config.learning.windowDays;
  const hasHistory = baseline !== null && baseline.nd > 0 && baseline.d0 < day;
  const group = peerGroupOf(event.principal);
  const peer = group === null ? undefined : deps.peers.get(group);
  const geo: GeoInfo | null = event.sourceIp ? ctx.geo.lookup(event.sourceIp) : null;
  const network = event.sourceIp && geo ? networkOf(event.sourceIp, geo.isAws) : null;
  const mfa = sessionMfa(window, event, network);
  const withMfa = mfa ? ', session has MFA' : '';
  // Where and how count half when the session has MFA: a traveller signs in with it, stolen keys rarely do.
  const access = mfa ? 0.5 : 1;
  const signals: Signal[] = [];
  const add = (feature: Feature, weight: number, detail: string): void => {
    signals.push({ feature, weight: round1(weight), detail });
  };

  // Where.
  let place: Place | null = null;
  if (event.sourceIp && geo && network) {
    const asn = geo.asn === null ? null : String(geo.asn);
    const country = geo.isAws ? null : geo.country;
    const newCountry = hasHistory && country !== null && !known(baseline?.cc[country], rel);
    const newAsn = hasHistory && !newCountry && asn !== null && !known(baseline?.asn[asn], rel);
    const newNetwork =
      hasHistory && !newCountry && !newAsn && !known(baseline?.net[network], rel) && !roaming(baseline, rel);
    const countryPeers =
      newCountry && country !== null
        ? deps.peers.share(group, 'cc', country, { key: ctx.state.key, has: baseline?.cc[country] !== undefined })
        : NO_PEERS;
    const asnPeers =
      asn !== null && (newCountry || newAsn || (window.loc && window.loc[0] !== country))
        ? deps.peers.share(group, 'asn', asn, { key: ctx.state.key, has: baseline?.asn[asn] !== undefined })
        : NO_PEERS;
    // A provider many peers use is the organisation's own: its office, its VPN.
    const corporate = asnPeers.members >= MIN_PEERS && asnPeers.share >= COMMON_AMONG_PEERS;
    let travel: Travel | null = null;
    if (country !== null && hasHistory && window.loc && window.loc[0] !== country) {
      const judged = judgeTravel(window.loc[0], window.loc[1], country, time);
      // Between two countries the principal works from every week, or through the company's VPN, is not travel.
      const routine = known(baseline?.cc[window.loc[0]], rel) && (baseline?.cc[country]?.[2] ?? 0) >= 3;
      if (judged?.impossible && !routine && !corporate && window.loc[2] === 0) travel = judged;
    }
    place = {
      ip: event.sourceIp,
      network,
      asn,
      asnOrg: geo.asnOrg,
      country,
      isAws: geo.isAws,
      newNetwork,
      newAsn,
      newCountry,
      countryPeers,
      travel,
    };
    if (newCountry) {
      const common = (countryPeers.members >= MIN_PEERS && countryPeers.share >= COMMON_AMONG_PEERS) || corporate;
      const knownCountries = knownKeys(baseline?.cc, rel).join(', ') || 'none';
      const amongPeers = common ? `, common among peers (${Math.round(countryPeers.share * 100)}%)` : '';
      add(
        'new-country',
        2 * access * (common ? 0.5 : 1),
        `${country}: never seen before (known: ${knownCountries})${amongPeers}${withMfa}`,
      );
    }
    if (newAsn) {
      const name = `AS${asn}${geo.asnOrg ? ` ${geo.asnOrg}` : ''}`;
      const amongPeers = corporate ? `, common among peers (${Math.round(asnPeers.share * 100)}%)` : '';
      add(
        'new-asn',
        1 * access * (corporate ? 0.5 : 1),
        `${name} in ${country ?? 'AWS'}: never seen before${amongPeers}${withMfa}`,
      );
    }
    if (newNetwork) add('new-network', 0.5 * access, `${network}: never seen before${withMfa}`);
    if (travel) {
      const speed = Number.isFinite(travel.kmh) ? `${travel.kmh} km/h` : 'at once';
      add(
        'impossible-travel',
        2.5 * access,
        `${travel.from} to ${travel.to}: at least ${travel.km} km in ${travel.hours} h (${speed})`,
      );
    }
    if (country !== null) window.loc = [country, time, corporate ? 1 : 0];
  }

  // How.
  const family = userAgentFamily(event.userAgent);
  const uaNew = hasHistory && !known(baseline?.ua[family], rel);
  if (family === 'pentest' && !known(baseline?.ua[family], rel)) {
    add('new-user-agent', 3.5, `pentest tooling: ${event.userAgent.slice(0, 80)}`);
  } else if (uaNew && family !== 'aws-service' && family !== 'none') {
    const knownFamilies = knownKeys(baseline?.ua, rel).join(', ') || 'none';
    add('new-user-agent', 1 * access, `${family}: a tool never seen before (known: ${knownFamilies})${withMfa}`);
  }

  // What.
  const name = apiName(event);
  const apiIsNew = baseline !== null && baseline.api[name] === undefined;
  const sensitive = SENSITIVE_APIS.has(name);
  const discovery = isDiscovery(event);
  const apiPeers = apiIsNew ? deps.peers.share(group, 'api', name, { key: ctx.state.key, has: false }) : NO_PEERS;
  const peersJudge = apiPeers.members >= MIN_PEERS;
  const commonApi = peersJudge && apiPeers.share >= COMMON_AMONG_PEERS;
  const rareApi = peersJudge && apiPeers.share <= RARE_AMONG_PEERS;
  const succeeded = event.errorCode === null;
  if (hasHistory && apiIsNew && sensitive && succeeded) {
    const trusted = ctx.isTrustedAutomation(event.principal);
    const usedBy = peersJudge ? `, ${apiPeers.count} of ${apiPeers.members} peers use it` : '';
    add(
      'sensitive-api-first-use',
      1.5 * (commonApi ? 0.5 : rareApi ? 1.5 : 1) * (trusted ? 0.5 : 1),
      `${name}: first use${usedBy}${trusted ? ', trusted automation' : ''}`,
    );
  } else if (apiIsNew && rareApi && succeeded && !sensitive) {
    add('rare-api-for-peers', 1, `${name}: used by ${apiPeers.count} of ${apiPeers.members} peers in ${group}`);
  }

  // Which bucket.
  const touched = s3Access(event);
  let s3: Analysis['s3'] = null;
  if (touched) {
    const bucketSensitive = ctx.isSensitiveBucket(touched.bucket);
    const entry = baseline?.s3[touched.bucket];
    const bucketPeers =
      entry === undefined
        ? deps.peers.share(group, 's3', touched.bucket, { key: ctx.state.key, has: false })
        : NO_PEERS;
    s3 = { ...touched, sensitive: bucketSensitive, isNew: !known(entry, rel), peers: bucketPeers };
    if (bucketSensitive && hasHistory && entry === undefined && succeeded) {
      const common = bucketPeers.members >= MIN_PEERS && bucketPeers.share >= COMMON_AMONG_PEERS;
      const usedBy =
        bucketPeers.members >= MIN_PEERS ? `, ${bucketPeers.count} of ${bucketPeers.members} peers use it` : '';
      add(
        'sensitive-bucket-first-access',
        1.5 * (common ? 0.5 : 1),
        `${touched.bucket}: sensitive, never ${touched.write ? 'written' : 'read'} before${usedBy}`,
      );
    }
  }

  // When.
  const offHours = judgeHours(baseline, time, peer?.hod, window.hr);
  if (offHours && offHours.level > 0) add('off-hours', offHours.level === 2 ? 1.5 : 0.75, offHours.detail);

  // How much: count the event into the window, then judge the running totals.
  const objects = touched?.objectRead ? 1 : 0;
  if (objects > 0 || !window.t[T.gets]) window.g = group;
  const increments = [
    1,
    objects,
    objects ? event.bytesOut : 0,
    event.accessDenied ? 1 : 0,
    discovery ? 1 : 0,
    discovery && apiIsNew && !commonApi ? 1 : 0,
    s3?.sensitive ? objects : 0,
  ];
  for (let i = 0; i < increments.length; i++) {
    const n = increments[i] ?? 0;
    if (n === 0) continue;
    window.t[i] = (window.t[i] ?? 0) + n;
    row[i] = (row[i] ?? 0) + n;
    window.s[i] = (window.s[i] ?? 0) + n;
  }

  const {
    volume,
    growth,
    signals: volumeSignals,
  } = objects > 0 ? judgeVolume(baseline, peer, window, deps.peers.surge(group), offHours) : NO_VOLUME;
  signals.push(...volumeSignals);
  const bursts =
    discovery || event.accessDenied
      ? judgeBursts(event, baseline, window, row, hour, discovery, hasHistory)
      : NO_BURSTS;
  signals.push(...bursts.signals);

  // Remember this event's anomalies for the session; forget those past it.
  const sig = window.sig;
  for (const feature in sig) if (time - (sig[feature]?.[1] ?? 0) > SESSION_HOURS * HOUR) delete sig[feature];
  for (const s of signals) sig[s.feature] = [Math.max(s.weight, sig[s.feature]?.[0] ?? 0), time];

  return {
    event,
    baseline,
    window,
    day,
    ageDays,
    young,
    hasHistory,
    group,
    mfa,
    place,
    userAgent: { family, isNew: uaNew },
    api: { name, isNew: apiIsNew, sensitive, discovery, peers: apiPeers },
    s3,
    offHours,
    volume,
    growth,
    discovery: bursts.discovery,
    denied: bursts.denied,
    signals,
  };
};

/** The severity a score earns. */
export const severityOf = (score: number): Severity =>
  score >= SEVERITY_SCORES.critical
    ? 'critical'
    : score >= SEVERITY_SCORES.high
      ? 'high'
      : score >= SEVERITY_SCORES.medium
        ? 'medium'
        : 'low';

/** A detector's score on an event: its own signal, the session's other anomalies, the baseline's age. */
export interface Scored {
  readonly score: number;
  readonly severity: Severity;
  /** Every anomaly that counted, the detector's own first, heaviest next. */
  readonly contributors: readonly { readonly feature: Feature; readonly weight: number; readonly detail?: string }[];
}

/** Scores `own` with the session's other anomalies (window) and the learning window. */
export const score = (analysis: Analysis, own: Signal): Scored => {
  const others = Object.entries(analysis.window.sig)
    .filter(([feature, [, at]]) => feature !== own.feature && analysis.event.time - at <= SESSION_HOURS * HOUR)
    .map(([feature, [weight]]) => {
      const current = analysis.signals.find((s) => s.feature === feature);
      return { feature: feature as Feature, weight, ...(current ? { detail: current.detail } : {}) };
    })
    .sort((a, b) => b.weight - a.weight);
  const corroboration = Math.min(
    MAX_CORROBORATION,
    others.reduce((sum, o) => sum + o.weight, 0),
  );
  const raw = own.weight + corroboration;
  const total = round1(analysis.young ? raw * YOUNG_FACTOR : raw);
  return {
    score: total,
    severity: severityOf(total),
    contributors: [{ feature: own.feature, weight: own.weight, detail: own.detail }, ...others],
  };
};

/** The index of a severity, for comparing. */
export const severityIndex = (severity: Severity): number => SEVERITIES.indexOf(severity);
