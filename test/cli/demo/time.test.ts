import { describe, expect, it } from 'vitest';
import { Rng } from '../../../cli/demo/random.ts';
import { awsDate, cloudTrailTime, localTime, utcOffsetMinutes } from '../../../cli/demo/time.ts';

describe('utcOffsetMinutes', () => {
  it.each([
    ['Europe/London', '2026-10-25T00:59:59Z', 60],
    ['Europe/London', '2026-10-25T01:00:00Z', 0],
    ['Europe/Berlin', '2026-10-24T12:00:00Z', 120],
    ['Europe/Berlin', '2026-10-26T12:00:00Z', 60],
    ['Europe/London', '2026-03-29T01:00:00Z', 60],
    ['America/New_York', '2026-11-01T05:59:59Z', -240],
    ['America/New_York', '2026-11-01T06:00:00Z', -300],
    ['America/New_York', '2026-03-08T07:00:00Z', -240],
  ] as const)('%s at %s is %i minutes from UTC', (tz, at, expected) => {
    // Act
    const offset = utcOffsetMinutes(tz, Date.parse(at));
    // Assess
    expect(offset).toBe(expected);
  });
});

describe('localTime', () => {
  it('puts 09:30 local on the right UTC instant on either side of the clock change', () => {
    // Act
    const before = localTime('Europe/London', Date.parse('2026-10-23T00:00:00Z'), 9.5);
    const after = localTime('Europe/London', Date.parse('2026-10-26T00:00:00Z'), 9.5);
    const newYork = localTime('America/New_York', Date.parse('2026-10-26T00:00:00Z'), 9.5);
    // Assess
    expect(new Date(before).toISOString()).toBe('2026-10-23T08:30:00.000Z');
    expect(new Date(after).toISOString()).toBe('2026-10-26T09:30:00.000Z');
    expect(new Date(newYork).toISOString()).toBe('2026-10-26T13:30:00.000Z');
  });
});

describe('formats', () => {
  it('writes times as CloudTrail and IAM do', () => {
    // Act
    const ms = Date.parse('2026-10-16T16:45:12.789Z');
    // Assess
    expect(cloudTrailTime(ms)).toBe('2026-10-16T16:45:12Z');
    expect(awsDate(ms)).toBe('Oct 16, 2026, 4:45:12 PM');
    expect(awsDate(Date.parse('2026-10-16T00:05:00Z'))).toBe('Oct 16, 2026, 12:05:00 AM');
  });
});

describe('Rng', () => {
  it('repeats its stream for a seed and forks independent named streams', () => {
    // Prepare
    const a = new Rng('seed');
    const b = new Rng('seed');
    // Act
    const first = [a.next(), a.next(), a.uuid()];
    const second = [b.next(), b.next(), b.uuid()];
    // Assess
    expect(second).toEqual(first);
    expect(new Rng('seed').fork('x').next()).toBe(new Rng('seed').fork('x').next());
    expect(new Rng('seed').fork('x').next()).not.toBe(new Rng('seed').fork('y').next());
    expect(a.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.hex(5)).toMatch(/^[0-9a-f]{5}$/);
  });

  it('draws integers within bounds, both inclusive', () => {
    // Prepare
    const rng = new Rng('bounds');
    const seen = new Set<number>();
    // Act
    for (let i = 0; i < 2_000; i++) seen.add(rng.int(1, 3));
    // Assess
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});
