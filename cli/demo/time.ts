/**
 * Calendar arithmetic for the synthetic organisation: people work office hours in their own time
 * zone, and daylight saving moves those hours against UTC. The three zones' rules are written out
 * here rather than read from Intl so the corpus is the same whatever time-zone data Node ships.
 */

/** Milliseconds in a minute, an hour and a day. */
export const MINUTE = 60_000;
/** Milliseconds in an hour. */
export const HOUR = 3_600_000;
/** Milliseconds in a day. */
export const DAY = 86_400_000;

/** The time zones the organisation's people live in. */
export type TimeZone = 'Europe/London' | 'Europe/Berlin' | 'America/New_York';

/** The UTC day (epoch ms of 00:00 UTC) of the n-th Sunday of a month; n = -1 for the last. */
const nthSunday = (year: number, month: number, n: number): number => {
  if (n > 0) {
    const first = Date.UTC(year, month, 1);
    const offset = (7 - new Date(first).getUTCDay()) % 7;
    return first + (offset + (n - 1) * 7) * DAY;
  }
  const last = Date.UTC(year, month + 1, 0);
  return last - new Date(last).getUTCDay() * DAY;
};

/** Minutes the zone is ahead of UTC at `utc` (negative west of Greenwich). */
export const utcOffsetMinutes = (tz: TimeZone, utc: number): number => {
  const year = new Date(utc).getUTCFullYear();
  if (tz === 'America/New_York') {
    // 02:00 local: second Sunday of March (07:00 UTC) to first Sunday of November (06:00 UTC).
    const summer = utc >= nthSunday(year, 2, 2) + 7 * HOUR && utc < nthSunday(year, 10, 1) + 6 * HOUR;
    return summer ? -240 : -300;
  }
  // The EU switches at 01:00 UTC on the last Sundays of March and October.
  const summer = utc >= nthSunday(year, 2, -1) + HOUR && utc < nthSunday(year, 9, -1) + HOUR;
  const standard = tz === 'Europe/Berlin' ? 60 : 0;
  return standard + (summer ? 60 : 0);
};

/** UTC epoch ms of `hours` after local midnight on the calendar date that starts at `dateUtc`. */
export const localTime = (tz: TimeZone, dateUtc: number, hours: number): number => {
  const guess = dateUtc + hours * HOUR;
  return guess - utcOffsetMinutes(tz, guess - 12 * HOUR) * MINUTE;
};

/** Day of the week of a UTC date, 0 = Sunday. */
export const weekday = (dateUtc: number): number => new Date(dateUtc).getUTCDay();

/** True on Saturday and Sunday. */
export const isWeekend = (dateUtc: number): boolean => {
  const day = weekday(dateUtc);
  return day === 0 || day === 6;
};

/** Epoch ms to the ISO form CloudTrail writes: whole seconds, `Z`. */
export const cloudTrailTime = (ms: number): string =>
  // Replacing builds one flat string; slicing and appending would keep a tree of three per record.
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** `YYYY-MM-DD` of a UTC date. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The date format IAM and STS write in response elements: `Oct 16, 2026, 4:45:12 PM` (UTC). */
export const awsDate = (ms: number): string => {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
};
