import { describe, expect, it } from 'vitest';
import { WINDOW_MEMORY } from '../../../lambdas/core/baseline/analyse.ts';
import type { Baseline, Window } from '../../../lambdas/core/baseline/profile.ts';
import { dequantise } from '../../../lambdas/core/baseline/stats.ts';
import { DAY, HOUR, IP, keyOf, MONDAY, record, routine, SENSITIVE_BUCKET, scorer } from './fixtures.ts';

const alice = { user: 'alice' } as const;
const ALICE = keyOf(alice);

describe('the baseline model', () => {
  it('learns where from: networks, ASNs and countries with first and last day seen', async () => {
    // Prepare
    const s = scorer();
    const records = [
      ...routine({ actor: alice, days: 5 }),
      record({ actor: alice, at: MONDAY + 3 * DAY + 12 * HOUR, ip: IP.otherIsp }),
    ];

    // Act
    await s.run(records);

    // Assess
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect([baseline.net, baseline.asn, baseline.cc]).toEqual([
      { '81.2.69': [0, 4, 5], '86.1.2': [3, 3, 1] },
      { '2856': [0, 4, 5], '5089': [3, 3, 1] },
      { GB: [0, 4, 5] },
    ]);
  });

  it('learns when: an hour-of-week profile of active hours in UTC, Monday 00:00 first', async () => {
    // Prepare
    const s = scorer();

    // Act: two weeks of 09:00-17:00 work.
    await s.run(routine({ actor: alice, days: 14 }));

    // Assess
    const how = ((await s.state(ALICE)).baseline as unknown as Baseline).how;
    const monday = how.slice(0, 24);
    expect(monday).toBe('000000000222222220000000');
    expect(how.slice(5 * 24)).toBe('0'.repeat(48));
  });

  it('learns how and what: user-agent families, APIs with days used, buckets read with sensitivity', async () => {
    // Prepare
    const s = scorer();

    // Act
    await s.run(routine({ actor: alice, days: 3, reads: 2 }));

    // Assess
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect(baseline.ua).toEqual({ 'aws-cli': [0, 2, 3] });
    expect(baseline.api['ec2:DescribeInstances']).toEqual([0, 2, 3]);
    expect(Object.keys(baseline.api).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'ec2:DescribeInstances',
      'ec2:DescribeSecurityGroups',
      'lambda:ListFunctions',
      'logs:FilterLogEvents',
      's3:GetObject',
      'sts:GetCallerIdentity',
    ]);
    expect(baseline.s3).toEqual({ [SENSITIVE_BUCKET]: [0, 2, 6, 0, 1] });
  });

  it('folds each finished day into robust daily volumes: calls, objects, bytes, distinct APIs, rates', async () => {
    // Prepare
    const s = scorer();
    const denied = record({ actor: alice, at: MONDAY + 15 * HOUR, api: 'iam:ListUsers', error: 'AccessDenied' });

    // Act: Monday and Tuesday; Wednesday's first event closes Tuesday.
    await s.run([...routine({ actor: alice, days: 3, reads: 10 }), denied]);

    // Assess
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect(baseline.vol).toEqual({
      c: [21, 21],
      g: [14, 14],
      b: [97, 97],
      a: [13, 12],
      d: [29, 0],
      l: [600, 588],
    });
    expect([Math.round(dequantise(baseline.vol.c[1] ?? 0)), Math.round(dequantise(baseline.vol.g[0] ?? 0))]).toEqual([
      37, 10,
    ]);
    expect(baseline.nd).toBe(3);
  });

  it('keeps the day running in the window: today and the last 24 hours, by hour', async () => {
    // Prepare
    const s = scorer();

    // Act
    await s.run(routine({ actor: alice, days: 1, reads: 4 }));

    // Assess
    const window = (await s.state(ALICE)).detectorMemory[WINDOW_MEMORY] as unknown as Window;
    expect(window.t).toEqual([28, 4, 8_000_000, 0, 20, 4, 4, 7]);
    expect(window.s).toEqual([28, 4, 8_000_000, 0, 20, 4, 4]);
    expect(Object.keys(window.h)).toHaveLength(8);
  });

  it('caps every set, evicting what was seen longest ago, and keeps sensitive APIs longest', async () => {
    // Prepare: 100 distinct APIs over 100 days, one sensitive call on day 0.
    const s = scorer();
    const records = [record({ actor: alice, at: MONDAY + 10 * HOUR, api: 'secretsmanager:GetSecretValue' })];
    for (let day = 0; day < 100; day++) {
      records.push(
        record({
          actor: alice,
          at: MONDAY + day * DAY + 11 * HOUR,
          api: `ec2:DescribeThing${day}`,
          ip: `81.2.69.${day}`,
        }),
      );
    }

    // Act
    await s.run(records);

    // Assess
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect(Object.keys(baseline.api)).toHaveLength(64);
    expect(baseline.api['secretsmanager:GetSecretValue']).toEqual([0, 0, 1]);
    expect(baseline.api['ec2:DescribeThing36']).toBeUndefined();
    expect(baseline.api['ec2:DescribeThing37']).toEqual([37, 37, 1]);
    expect(baseline.api['ec2:DescribeThing99']).toEqual([99, 99, 1]);
  });

  it('learns nothing while frozen by an open case, but still watches: the window moves', async () => {
    // Prepare
    const s = scorer();
    await s.run(routine({ actor: alice, days: 3 }));
    const state = await s.state(ALICE);
    state.openCaseId = 'case-1';
    state.frozenUntil = MONDAY + 30 * DAY;
    await s.deps.states.put(state);
    const before = structuredClone((await s.state(ALICE)).baseline);

    // Act: a new network, a new API, a whole day.
    await s.run([
      record({ actor: alice, at: MONDAY + 3 * DAY + 10 * HOUR, ip: IP.otherIsp, api: 'iam:ListRoles' }),
      ...routine({ actor: alice, days: 1, fromDay: 4 }),
    ]);

    // Assess
    const after = await s.state(ALICE);
    expect(after.baseline).toEqual(before);
    expect((after.detectorMemory[WINDOW_MEMORY] as unknown as Window).t[0]).toBe(24);
    expect(after.eventCount).toBe(3 * 24 + 25);
  });

  it('resumes learning when the freeze ends, without the frozen days', async () => {
    // Prepare: a case frozen until Thursday 00:00.
    const s = scorer();
    await s.run(routine({ actor: alice, days: 2 }));
    const frozen = await s.state(ALICE);
    frozen.openCaseId = 'case-1';
    frozen.frozenUntil = MONDAY + 3 * DAY;
    await s.deps.states.put(frozen);

    // Act
    await s.run(routine({ actor: alice, days: 3, fromDay: 2, reads: (day) => (day === 2 ? 500 : 0) }));

    // Assess: Monday, Tuesday and Thursday in the history; frozen Wednesday's 500 reads never.
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect(baseline.vol.g).toEqual([0, 0, 0]);
    expect(baseline.nd).toBe(4);
  });

  it('starts afresh from a baseline of an unknown layout', async () => {
    // Prepare
    const s = scorer();
    await s.run(routine({ actor: alice, days: 1 }));
    const state = await s.state(ALICE);
    state.baseline = { v: 0, hours: [1, 2, 3] };
    await s.deps.states.put(state);

    // Act
    await s.run(routine({ actor: alice, days: 1, fromDay: 1 }));

    // Assess
    const baseline = (await s.state(ALICE)).baseline as unknown as Baseline;
    expect([baseline.v, baseline.nd, baseline.d0]).toEqual([1, 1, Math.floor((MONDAY + DAY) / DAY)]);
  });
});
