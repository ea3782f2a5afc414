import { describe, expect, it } from 'vitest';
import { daysOf, parseTimeRange, parseTimeValue, TimeValueError } from '../../../lambdas/core/audit/time-range.ts';

const NOW = Date.UTC(2026, 5, 15, 12, 30);
const FORMS =
  'expected an ISO date (2025-06-01), a month (2025-06), a date-time with its zone (2025-06-01T09:30:00Z), a time ago (30m, 24h, 7d, 2w) or now';

describe('parseTimeValue', () => {
  it.each([
    { value: '30m', expected: NOW - 30 * 60_000 },
    { value: '24h', expected: NOW - 24 * 3_600_000 },
    { value: '7d', expected: NOW - 7 * 86_400_000 },
    { value: '2w', expected: NOW - 14 * 86_400_000 },
    { value: '90s', expected: NOW - 90_000 },
    { value: 'now', expected: NOW },
    { value: '2026-06-01', expected: Date.UTC(2026, 5, 1) },
    { value: '2026-06', expected: Date.UTC(2026, 5, 1) },
    { value: '2024-02-29', expected: Date.UTC(2024, 1, 29) },
    { value: '2026-06-01T09:30:00Z', expected: Date.UTC(2026, 5, 1, 9, 30) },
    { value: '2026-06-01T09:30Z', expected: Date.UTC(2026, 5, 1, 9, 30) },
    { value: '2026-06-01T09:30:00.250Z', expected: Date.UTC(2026, 5, 1, 9, 30, 0, 250) },
    { value: '2026-06-01T09:30:00+02:00', expected: Date.UTC(2026, 5, 1, 7, 30) },
    { value: ' 7d ', expected: NOW - 7 * 86_400_000 },
  ])('reads $value', ({ value, expected }) => {
    // Act
    const ms = parseTimeValue(value, NOW, '--since');

    // Assess
    expect(ms).toBe(expected);
  });

  it.each([
    { value: 'yesterday', why: 'is not a time' },
    { value: '2026-06-01T09:30:00', why: 'is not a time' },
    { value: '7 days', why: 'is not a time' },
    { value: '-7d', why: 'is not a time' },
    { value: '2026-02-30', why: 'is not a calendar date' },
    { value: '2026-13', why: 'is not a calendar date' },
    { value: '2026-02-30T10:00:00Z', why: 'is not a time' },
    { value: '', why: 'is not a time' },
  ])('refuses $value, naming the flag and the value', ({ value, why }) => {
    // Act
    const act = () => parseTimeValue(value, NOW, '--since');

    // Assess
    expect(act).toThrow(new TimeValueError(`--since ${JSON.stringify(value)} ${why}: ${FORMS}`));
  });
});

describe('parseTimeRange', () => {
  it('reads both ends', () => {
    // Act
    const range = parseTimeRange('2026-06', '2026-07', NOW);

    // Assess
    expect(range).toEqual({ since: Date.UTC(2026, 5, 1), until: Date.UTC(2026, 6, 1) });
  });

  it('leaves an end open when not given', () => {
    // Act
    const range = parseTimeRange(undefined, '1d', NOW);

    // Assess
    expect(range).toEqual({ until: NOW - 86_400_000 });
  });

  it('refuses a range that ends before it starts, naming both', () => {
    // Act
    const act = () => parseTimeRange('2026-07-01', '2026-06-01', NOW);

    // Assess
    expect(act).toThrow(
      new TimeValueError(
        '--since "2026-07-01" (2026-07-01T00:00:00.000Z) is not before --until "2026-06-01" (2026-06-01T00:00:00.000Z); expected since < until',
      ),
    );
  });

  it('names --until when the end is the bad value', () => {
    // Act
    const act = () => parseTimeRange('7d', 'soon', NOW);

    // Assess
    expect(act).toThrow(new TimeValueError(`--until "soon" is not a time: ${FORMS}`));
  });
});

describe('daysOf', () => {
  it('lists each UTC day the range touches, the end excluded', () => {
    // Act
    const days = daysOf(Date.UTC(2026, 5, 29, 23), Date.UTC(2026, 6, 2));

    // Assess
    expect(days).toEqual(['2026-06-29', '2026-06-30', '2026-07-01']);
  });

  it('gives the one day of a range within a day', () => {
    // Act
    const days = daysOf(Date.UTC(2026, 5, 1, 9), Date.UTC(2026, 5, 1, 10));

    // Assess
    expect(days).toEqual(['2026-06-01']);
  });
});
