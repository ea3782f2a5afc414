/**
 * When: how far outside the principal's own rhythm an event falls, judged on its hour-of-week
 * profile (UTC, so whatever the principal's time zone, its own working hours are what is normal).
 */
import { HOUR, hourOfWeek } from './features.ts';
import { type Baseline, slotCount } from './profile.ts';

/** Active days of hour profile before off-hours is judged on the principal's own rhythm. */
export const MIN_PROFILE_DAYS = 7;
/** Hour slots the peers must have been seen in before their hours stand in for a young profile. */
const MIN_PEER_SLOTS = 50;

/** How far off-hours an event is: 2 never active then, 1 rarely, 0 usual; null when it cannot be judged. */
export interface OffHours {
  readonly level: 0 | 1 | 2;
  /** When, for a title: `Tue 02:40 UTC`; empty for usual hours. */
  readonly when: string;
  readonly detail: string;
}

interface HourShape {
  /** The busiest hour-of-week slot's count. */
  readonly peak: number;
  /** Slot counts summed by hour of day. */
  readonly hod: readonly number[];
  /** The busiest hour of day's count. */
  readonly hodPeak: number;
  /** Every slot's count summed: hour slots ever active. */
  readonly total: number;
}

// The profile changes at most once an hour per principal and is read on every event.
const shapes = new Map<string, HourShape>();
const MAX_SHAPES = 2048;
// Consecutive events are mostly one principal's: the same profile string, compared by reference.
let lastShape: { how: string; shape: HourShape } | null = null;

/** The shape of an hour-of-week profile, computed once per distinct profile. */
export const shapeOf = (how: string): HourShape => {
  if (lastShape?.how === how) return lastShape.shape;
  const cached = shapes.get(how);
  if (cached) {
    lastShape = { how, shape: cached };
    return cached;
  }
  const hod = new Array<number>(24).fill(0);
  let peak = 1;
  let total = 0;
  for (let slot = 0; slot < 168; slot++) {
    const count = slotCount(how, slot);
    hod[slot % 24] = (hod[slot % 24] ?? 0) + count;
    peak = Math.max(peak, count);
    total += count;
  }
  const shape = { peak, hod, hodPeak: Math.max(1, ...hod), total };
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(how, shape);
  lastShape = { how, shape };
  return shape;
};

const smoothed = (values: readonly number[], i: number): number => {
  const n = values.length;
  return (values[i] ?? 0) + 0.5 * ((values[(i + n - 1) % n] ?? 0) + (values[(i + 1) % n] ?? 0));
};

const USUAL: OffHours = Object.freeze({ level: 0, when: '', detail: 'usual hours' });
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const when = (time: number, slot: number): string =>
  `${WEEKDAYS[Math.floor(slot / 24)]} ${new Date(time).toISOString().slice(11, 16)} UTC`;

/**
 * Judges the hour of an event: level 2 when the principal has never been active at this hour of
 * the week (nor the hours either side) and hardly ever at this hour of any day; level 1 when
 * rarely. A profile younger than `MIN_PROFILE_DAYS` active days borrows its peers' hours of day.
 * `session`: hour numbers the current session has already added to the profile.
 */
export const judgeHours = (
  baseline: Readonly<Baseline> | null,
  time: number,
  peerHours: readonly number[] | undefined,
  session: readonly number[],
): OffHours | null => {
  const slot = hourOfWeek(time);
  const hour = slot % 24;
  if (baseline && baseline.nd >= MIN_PROFILE_DAYS) {
    const how = baseline.how;
    const shape = shapeOf(how);
    // The session's own hours were counted as they went by: judge against the profile without them.
    const count = (s: number): number => {
      const wrapped = (s + 168) % 168;
      return Math.max(0, slotCount(how, wrapped) - (session.some((h) => hourOfWeek(h * HOUR) === wrapped) ? 1 : 0));
    };
    const week = count(slot) + 0.5 * (count(slot - 1) + count(slot + 1));
    const dayShare = smoothed(shape.hod, hour) / shape.hodPeak;
    const weekShare = week / shape.peak;
    if (week === 0 && dayShare < 0.05) {
      const usual = Math.round(dayShare * 100);
      const at = when(time, slot);
      return {
        level: 2,
        when: at,
        detail: `${at}: never active at this hour of the week, ${usual}% of usual at this hour of day`,
      };
    }
    if (weekShare < 0.15 && dayShare < 0.12) {
      const share = Math.round(weekShare * 100);
      const at = when(time, slot);
      return { level: 1, when: at, detail: `${at}: rarely active (${share}% of the busiest hour of the week)` };
    }
    return USUAL;
  }
  if (!peerHours) return null;
  let total = 0;
  let peak = 1;
  for (const count of peerHours) {
    total += count;
    peak = Math.max(peak, count);
  }
  if (total < MIN_PEER_SLOTS) return null;
  const share = smoothed(peerHours, hour) / peak;
  if (share >= 0.06) return USUAL;
  const at = when(time, slot);
  return share < 0.02
    ? { level: 2, when: at, detail: `${at}: peers are never active at this hour (young baseline)` }
    : { level: 1, when: at, detail: `${at}: peers are rarely active at this hour (young baseline)` };
};
