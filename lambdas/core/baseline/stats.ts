/**
 * Robust statistics over short histories of daily values, stored small.
 *
 * Counts and bytes are kept as quantised logarithms, `round(4 * log2(1 + x))`: one small integer
 * a day whatever the volume (a terabyte is 160), 19 % resolution, which is all a median needs.
 * Medians and median absolute deviations of those logs are robust to the odd huge day, and
 * clipping what a day may add (`pushClipped`) bounds how fast the baseline may move: a slow ramp
 * cannot teach it that exfiltration is normal.
 */

/** Quantisation steps per doubling. */
export const STEPS_PER_DOUBLING = 4;

/** A count or byte total as a quantised log. */
export const quantise = (x: number): number => Math.round(STEPS_PER_DOUBLING * Math.log2(1 + Math.max(0, x)));
/** The value a quantised log stands for (the middle of its step). */
export const dequantise = (q: number): number => 2 ** (q / STEPS_PER_DOUBLING) - 1;

/** The median of a list (mean of the middle two for even lengths); 0 for an empty list. */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** The median absolute deviation from the median. */
export const mad = (values: readonly number[]): number => {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
};

/** A daily history's robust summary, in natural units. */
export interface RobustSummary {
  /** Days in the history. */
  readonly days: number;
  /** Median of the stored values themselves (quantised logs, or rates as stored). */
  readonly stored: number;
  /** Median daily value, dequantised. */
  readonly median: number;
  /** The day value the detectors call high: the median plus 3 robust deviations, dequantised. */
  readonly high: number;
}

// Histories change once a day and are read on every S3 read: their summaries are kept until
// `pushClipped` changes them.
const summaries = new WeakMap<readonly number[], RobustSummary>();

/** The robust summary of a history of quantised logs. */
export const summarise = (history: readonly number[]): RobustSummary => {
  const cached = summaries.get(history);
  if (cached && cached.days === history.length) return cached;
  const summary = computeSummary(history);
  summaries.set(history, summary);
  return summary;
};

const computeSummary = (history: readonly number[]): RobustSummary => {
  const m = median(history);
  // 1.4826 * MAD estimates a standard deviation; a floor of one step keeps flat histories from reading any change as extreme.
  const spread = Math.max(1, 1.4826 * mad(history));
  return { days: history.length, stored: m, median: dequantise(m), high: dequantise(m + 3 * spread) };
};

/** Histories shorter than this are too young to clip against. */
const MIN_DAYS_TO_CLIP = 5;

/**
 * Appends a day's quantised value to a history of at most `cap` days, first clipping it to
 * `maxStep` steps above the history's median. With `maxStep` 6 (2.8x) a day can at most pull the
 * median up by one rank: the median of 30 days can triple only after weeks of high days.
 */
export const pushClipped = (history: number[], value: number, cap: number, maxStep: number): number => {
  const clipped = history.length >= MIN_DAYS_TO_CLIP ? Math.min(value, Math.ceil(median(history)) + maxStep) : value;
  history.push(clipped);
  while (history.length > cap) history.shift();
  summaries.delete(history);
  return clipped;
};

/** How the last days of a history grew. */
export interface Growth {
  /** Consecutive most recent days each at least one step (19 %) above the one before. */
  readonly risingDays: number;
  /** The median of the days before the rise, dequantised: where the principal was. */
  readonly anchor: number;
  /** The last day, dequantised. */
  readonly last: number;
  /** The day before the last, dequantised. */
  readonly previous: number;
  /**
   * The largest day-to-day step as a share of the whole rise: a ramp spreads its rise over the
   * days, a step change (a quarter-end, a new project) puts most of it in one.
   */
  readonly largestStepShare: number;
}

/**
 * The rise at the end of `recent` (unclipped daily values, quantised, oldest first), measured
 * against `anchorHistory` (the clipped long history): a dip of one step is forgiven, so a ramp
 * with a quiet day in it still counts.
 */
export const growthOf = (recent: readonly number[], anchorHistory: readonly number[]): Growth => {
  let risingDays = 0;
  let forgiven = false;
  let start = recent.length - 1;
  let largestStep = 0;
  for (let i = recent.length - 1; i > 0; i--) {
    const now = recent[i] ?? 0;
    const before = recent[i - 1] ?? 0;
    if (now >= before + 1) {
      risingDays++;
      largestStep = Math.max(largestStep, now - before);
    } else if (!forgiven && now >= before - 1 && risingDays > 0) forgiven = true;
    else break;
    start = i - 1;
  }
  const rise = (recent[recent.length - 1] ?? 0) - (recent[start] ?? 0);
  // The anchor leaves out the days of the rise itself, which the clipped history also holds.
  const older = anchorHistory.slice(0, Math.max(0, anchorHistory.length - risingDays - 1));
  const anchor = dequantise(median(older.length >= 3 ? older : anchorHistory));
  return {
    risingDays,
    anchor,
    last: dequantise(recent[recent.length - 1] ?? 0),
    previous: dequantise(recent[recent.length - 2] ?? 0),
    largestStepShare: rise <= 0 ? 1 : Math.round((largestStep / rise) * 100) / 100,
  };
};

/** `x` as a multiple of `reference`, for evidence: `40x`; `reference` floored so zero is not infinite. */
export const ratio = (x: number, reference: number, floor = 1): number =>
  Math.round((x / Math.max(reference, floor)) * 10) / 10;
