/**
 * The times auditors type: `--since 7d`, `--until 2025-07-01`, `--since 2025-06` (a month),
 * `--since 2025-06-01T09:30:00+02:00`, `--until now`. A date-time must say its zone: an audit is no place to
 * guess which midnight was meant. Dates are UTC.
 */

/** A time an auditor typed that is not one of the accepted forms. */
export class TimeValueError extends Error {
  override readonly name = 'TimeValueError';
}

/** A half-open time range in epoch ms: `since <= at < until`; either end may be open. */
export interface TimeRange {
  readonly since?: number;
  readonly until?: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d{1,6})([smhdw])$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const FORMS =
  'expected an ISO date (2025-06-01), a month (2025-06), a date-time with its zone (2025-06-01T09:30:00Z), a time ago (30m, 24h, 7d, 2w) or now';

/** Epoch ms of `value`, relative forms counted back from `now`. `name` names the flag in errors. */
export const parseTimeValue = (value: string, now: number, name = 'time'): number => {
  const text = value.trim();
  if (text === 'now') return now;
  const relative = RELATIVE.exec(text);
  if (relative) return now - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
  const month = MONTH.exec(text);
  if (month) return utc(value, name, Number(month[1]), Number(month[2]), 1);
  const date = DATE.exec(text);
  if (date) return utc(value, name, Number(date[1]), Number(date[2]), Number(date[3]));
  if (DATE_TIME.test(text)) {
    const ms = Date.parse(text);
    const day = text.slice(0, 10);
    if (Number.isFinite(ms) && realDate(day)) return ms;
  }
  throw new TimeValueError(`${name} ${JSON.stringify(value)} is not a time: ${FORMS}`);
};

const utc = (value: string, name: string, year: number, month: number, day: number): number => {
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new TimeValueError(`${name} ${JSON.stringify(value)} is not a calendar date: ${FORMS}`);
  }
  return ms;
};

const realDate = (day: string): boolean => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, date));
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === date;
};

/** Parses `--since` and `--until` into a range; an empty or inverted range is an error naming both. */
export const parseTimeRange = (since: string | undefined, until: string | undefined, now: number): TimeRange => {
  const range: { since?: number; until?: number } = {};
  if (since !== undefined) range.since = parseTimeValue(since, now, '--since');
  if (until !== undefined) range.until = parseTimeValue(until, now, '--until');
  if (range.since !== undefined && range.until !== undefined && range.since >= range.until) {
    throw new TimeValueError(
      `--since ${JSON.stringify(since)} (${new Date(range.since).toISOString()}) is not before --until ${JSON.stringify(until)} (${new Date(range.until).toISOString()}); expected since < until`,
    );
  }
  return range;
};

/** The UTC days (`YYYY-MM-DD`) a range touches, oldest first: `since` and `until` must both be set. */
export const daysOf = (since: number, until: number): string[] => {
  const days: string[] = [];
  const first = Date.UTC(new Date(since).getUTCFullYear(), new Date(since).getUTCMonth(), new Date(since).getUTCDate());
  for (let day = first; day < until; day += UNIT_MS.d as number) days.push(new Date(day).toISOString().slice(0, 10));
  return days;
};
