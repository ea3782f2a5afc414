/**
 * The shape of a principal's baseline (`PrincipalState.baseline`) and of its short-term window
 * (`PrincipalState.detectorMemory['baseline.window']`), and the capped sets inside them.
 *
 * The baseline is what is normal; it moves only through `learn`, never while a case is open.
 * The window is what is happening now (today's totals, the last 24 hours by hour, the anomalies
 * of the last hours); the detectors keep it up to date on every event, frozen or not, so a
 * principal under investigation is still watched.
 *
 * Days are stored relative to the baseline's first day (`d0`), so they stay one or two digits.
 */

/** Baseline layout version: a stored baseline of another version is started afresh. */
export const BASELINE_VERSION = 1;

/** First day seen, last day seen (relative to `d0`), days seen. */
export type Seen = [first: number, last: number, days: number];
/** First day, last day, reads, writes (capped at 99,999), 1 when configured sensitive. */
export type BucketSeen = [first: number, last: number, reads: number, writes: number, sensitive: number];

/** Daily volume features, each a history of at most `HISTORY_DAYS` active days. */
export interface Volumes {
  /** API calls (quantised log). */
  c: number[];
  /** S3 objects read (quantised log). */
  g: number[];
  /** S3 bytes read (quantised log). */
  b: number[];
  /** Distinct APIs (quantised log). */
  a: number[];
  /** AccessDenied calls per 1,000 calls. */
  d: number[];
  /** List/Describe/Get calls per 1,000 calls. */
  l: number[];
}

/** A principal's behavioural baseline. */
export interface Baseline {
  v: number;
  /** Epoch ms of the first event learnt: the learning window starts here. */
  t0: number;
  /** UTC day number of `t0`. */
  d0: number;
  /** Last day learnt, relative to `d0`. */
  ld: number;
  /** Active days learnt. */
  nd: number;
  /** Hour number of the last hour counted in `how`. */
  hs: number;
  /** Hour-of-week profile: 168 base-36 digits, weeks active in each UTC hour slot (Monday 00:00 first). */
  how: string;
  /** Networks (/24, /48, `aws`). */
  net: Record<string, Seen>;
  /** Autonomous systems by number. */
  asn: Record<string, Seen>;
  /** Countries (ISO alpha-2), addresses outside AWS only. */
  cc: Record<string, Seen>;
  /** User-agent families. */
  ua: Record<string, Seen>;
  /** APIs (`service:Name`), `days` = days the API was called. */
  api: Record<string, Seen>;
  /** S3 buckets read or written through data events. */
  s3: Record<string, BucketSeen>;
  /** Daily volumes, clipped as learnt (poisoning bound). */
  vol: Volumes;
  /** The last days' S3 objects and bytes read, unclipped, for spotting a sustained rise. */
  rec: { g: number[]; b: number[] };
  /** Hour slots with an MFA session, and without. */
  mfa: [withMfa: number, without: number];
}

/** Caps on the sets: when full, the entry seen longest ago is evicted. */
export const CAPS = { net: 12, asn: 8, cc: 8, ua: 8, api: 64, s3: 16 } as const;
/** Active days of volume history kept. */
export const HISTORY_DAYS = 30;
/** Days of unclipped recent volumes kept. */
export const RECENT_DAYS = 8;
/** The most steps (of 19 %) above the median a day may add to the history. */
export const MAX_DAILY_STEP = 6;
/** Highest count an hour-of-week slot holds (one base-36 digit); reaching it halves the profile. */
export const SLOT_MAX = 35;

/** A fresh baseline starting at `time`. */
export const newBaseline = (time: number, day: number): Baseline => ({
  v: BASELINE_VERSION,
  t0: time,
  d0: day,
  ld: -1,
  nd: 0,
  hs: -1,
  how: '0'.repeat(168),
  net: {},
  asn: {},
  cc: {},
  ua: {},
  api: {},
  s3: {},
  vol: { c: [], g: [], b: [], a: [], d: [], l: [] },
  rec: { g: [], b: [] },
  mfa: [0, 0],
});

/** The baseline in a state, or null when none has been learnt (or its layout is outdated). */
export const readBaseline = (raw: Record<string, unknown>): Baseline | null =>
  raw.v === BASELINE_VERSION && typeof raw.how === 'string' ? (raw as unknown as Baseline) : null;

/** The count in one hour-of-week slot. */
export const slotCount = (how: string, slot: number): number =>
  Number.parseInt(how[((slot % 168) + 168) % 168] ?? '0', 36);

/**
 * Marks `key` seen on `day`, evicting the entry seen longest ago when the set is full. Returns
 * the entry as it was before (undefined when new).
 */
export const touch = (
  set: Record<string, Seen>,
  key: string,
  day: number,
  cap: number,
  keep?: (key: string) => boolean,
): Seen | undefined => {
  const entry = set[key];
  if (entry) {
    const before: Seen = [entry[0], entry[1], entry[2]];
    if (entry[1] !== day) {
      entry[1] = day;
      entry[2] = Math.min(entry[2] + 1, 9999);
    }
    return before;
  }
  evictOldest(set, cap, keep);
  set[key] = [day, day, 1];
  return undefined;
};

/**
 * Removes the least recently seen entries until the set has room for one more; entries `keep`
 * favours go last (sensitive APIs: forgetting one would make its next use look like a first).
 */
export const evictOldest = (
  set: Record<string, readonly number[]>,
  cap: number,
  keep: (key: string) => boolean = () => false,
): void => {
  const keys = Object.keys(set);
  if (keys.length < cap) return;
  const order = keys.sort((a, b) => {
    const x = set[a] ?? [];
    const y = set[b] ?? [];
    return Number(keep(a)) - Number(keep(b)) || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0);
  });
  for (const key of order.slice(0, keys.length - cap + 1)) delete set[key];
};

/**
 * True when `entry` is established on `day`: seen on an earlier day. Something first seen today
 * stays new all day, so one session cannot make itself normal.
 */
export const known = (entry: Seen | BucketSeen | undefined, day: number): boolean =>
  entry !== undefined && entry[0] < day;

/** Indices into the window's day and hour totals. */
export const T = {
  calls: 0,
  gets: 1,
  bytes: 2,
  denied: 3,
  discovery: 4,
  /** Discovery calls to APIs new to the principal and uncommon among its peers. */
  newDiscovery: 5,
  /** Objects read from sensitive buckets. */
  sensitiveGets: 6,
  /** Distinct APIs (day totals only, counted while learning). */
  distinct: 7,
} as const;
const TOTALS = 8;
/** Hour rows hold every total but `distinct`. */
const HOUR_TOTALS = 7;

/** The short-term window, in detector memory. */
export interface Window {
  /** UTC day number of `t`. */
  day: number;
  /** Today's totals, indexed by `T`. */
  t: number[];
  /** The peer group of today's last S3 read (else of today's last event): the group the day counts for. */
  g: string | null;
  /** The last finished day, not yet learnt, with its group, or null. */
  done: { day: number; t: number[]; g: string | null } | null;
  /** Totals of each hour of the last 24, by hour number. */
  h: Record<string, number[]>;
  /** The sums of `h`: totals of the last 24 hours. */
  s: number[];
  /** Anomalies of the last hours: feature -> [weight, epoch ms]. */
  sig: Record<string, [number, number]>;
  /** Alerts raised: `feature|key` -> [hour number of the finding window, severity index], so a repeat only escalates. */
  lv: Record<string, [number, number]>;
  /** Last country seen outside AWS, when, and whether its provider is common among peers (a corporate VPN). */
  loc: [country: string, time: number, corporate: number] | null;
  /** Networks an MFA session was seen from lately -> epoch ms: later calls from there share its MFA. */
  mfa: Record<string, number>;
  /** Hour numbers `learn` counted into the hour profile in the last `SESSION_HOURS`. */
  hr: number[];
  /** The last day with events while the baseline was frozen: that day never joins the history. */
  fz?: number;
}

/** A fresh window for `day`. */
export const newWindow = (day: number): Window => ({
  day,
  t: new Array<number>(TOTALS).fill(0),
  g: null,
  done: null,
  h: {},
  s: emptyHour(),
  sig: {},
  lv: {},
  loc: null,
  mfa: {},
  hr: [],
});

/** The window in a detector memory object, created or reset when absent or malformed. */
export const windowIn = (memory: Record<string, unknown>, day: number): Window => {
  if (!Array.isArray(memory.t) || typeof memory.day !== 'number' || typeof memory.h !== 'object') {
    for (const key of Object.keys(memory)) delete memory[key];
    Object.assign(memory, newWindow(day));
  }
  memory.mfa ??= {};
  memory.hr ??= [];
  const window = memory as unknown as Window;
  if (!Array.isArray(window.s)) {
    window.s = emptyHour();
    for (const row of Object.values(window.h)) addRow(window.s, row);
  }
  return window;
};

/** Adds `row` into `sum`, element by element, times `sign`. */
export const addRow = (sum: number[], row: readonly number[], sign = 1): void => {
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] ?? 0) + sign * (row[i] ?? 0);
};

/** A fresh day totals row. */
export const emptyTotals = (): number[] => new Array<number>(TOTALS).fill(0);
/** A fresh hour totals row. */
export const emptyHour = (): number[] => new Array<number>(HOUR_TOTALS).fill(0);
