import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../../lambdas/core/baseline/profile.ts';
import { dequantise, median } from '../../../lambdas/core/baseline/stats.ts';
import { DAY, keyOf, MONDAY, routine, scorer } from './fixtures.ts';

const alice = { user: 'alice' } as const;
/** 20 objects a working day for three weeks, then 30 % more every working day from day 21. */
const ramp = (day: number): number => (day < 21 ? 20 : Math.round(20 * 1.3 ** (workdaysSince21(day) + 1)));
const workdaysSince21 = (day: number): number => {
  let n = 0;
  for (let d = 21; d < day; d++) if (![0, 6].includes(new Date(MONDAY + d * DAY).getUTCDay())) n++;
  return n;
};

describe('a slow ramp of downloads over days', () => {
  it('is found as sustained growth at high, while no single day is a bulk download', async () => {
    // Prepare
    const s = scorer();

    // Act: three weeks of routine, then eight working days of ramp (26 to 163 objects a day).
    await s.run(routine({ actor: alice, days: 31, reads: ramp }));

    // Assess: found on the seventh day of the ramp, as the day's running total reaches 100 objects.
    const findings = s.findings().filter((f) => f.severity !== 'low');
    const first = findings[0];
    expect(findings.map((f) => f.detector)).toEqual(['baseline.sustained-growth', 'baseline.sustained-growth']);
    expect([first?.severity, first?.title, first?.firstEventTime]).toEqual([
      'high',
      "alice's S3 reads rose 7 days running, now 4.6x where they were",
      '2026-03-31T14:45:07.000Z',
    ]);
    expect(first?.evidence.growth).toEqual({
      risingDays: 7,
      anchorObjects: 21.6,
      todayObjects: 100,
      anchorBytes: 39_903_168,
      todayBytes: 200_000_000,
      ratio: 4.6,
      peerSurge: 1,
    });
  });

  it('cannot teach the baseline that the ramp is normal: the median moves a little, boundedly', async () => {
    // Prepare
    const s = scorer();

    // Act
    await s.run(routine({ actor: alice, days: 35, reads: ramp }));

    // Assess: by the end alice reads 13 times her old 20 a day; the learnt median has hardly moved,
    // and no day entered the history above 2.8 times the median at the time (6 steps of 19 %).
    const baseline = (await s.state(keyOf(alice))).baseline as unknown as Baseline;
    expect([ramp(31), ramp(32)]).toEqual([212, 276]);
    expect(Math.round(dequantise(median(baseline.vol.g)))).toBe(22);
    expect(Math.max(...baseline.vol.g)).toBe(24);
    // The unclipped recent days keep what really happened: 163 and 212 objects.
    expect(baseline.rec.g.slice(-2)).toEqual([29, 31]);
  });

  it('is not a step change: a new, steady level is not a ramp', async () => {
    // Prepare
    const s = scorer();

    // Act: 20 a day, then 80 a day from day 21 on.
    await s.run(routine({ actor: alice, days: 35, reads: (day) => (day < 21 ? 20 : 80) }));

    // Assess
    expect(s.findings().filter((f) => f.detector === 'baseline.sustained-growth')).toEqual([]);
  });
});
