import { describe, expect, it } from 'vitest';
import type { DetectorDefinition } from '../../../lambdas/core/detector.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { scoreEvents } from '../../../lambdas/core/score.ts';
import {
  BOTO3,
  DAY,
  events,
  HOUR,
  hitsOf,
  IP,
  KALI,
  keyOf,
  MONDAY,
  record,
  routine,
  SENSITIVE_BUCKET,
  scorer,
} from './fixtures.ts';

const alice = { user: 'alice' } as const;
/** Tuesday of the fourth week: three weeks of routine before it. */
const TUESDAY = MONDAY + 22 * DAY;

/** A scorer that has learnt three weeks of alice's office hours (20 sensitive objects a day unless told). */
const matureAlice = async (reads = 20, config = {}) => {
  const s = scorer(config);
  await s.run(routine({ actor: alice, days: 21, reads }));
  return s;
};

const only = (findings: readonly Finding[], detector: string): Finding => {
  const hits = findings.filter((f) => f.detector === detector);
  if (hits.length !== 1) throw new Error(`expected one ${detector} finding, got ${hits.length}`);
  return hits[0] as Finding;
};

describe('where: new country, ASN, network; impossible travel', () => {
  it('rates a new country alone low, and says what is known', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run([record({ actor: alice, at: TUESDAY + 11 * HOUR, ip: IP.newYork })]);

    // Assess
    const f = only(s.findings(), 'baseline.new-country');
    expect([f.severity, f.title]).toEqual(['low', 'alice active from US, a country never seen for them']);
    expect([f.evidence.score, f.evidence.scoreExplained, f.evidence.knownCountries]).toEqual([
      2,
      'score 2 (< 3: low)',
      ['GB'],
    ]);
    expect(f.evidence.contributors).toEqual([
      { feature: 'new-country', weight: 2, detail: 'US: never seen before (known: GB)' },
    ]);
  });

  it('rates stolen keys high: a new country at night with a new tool', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run([
      record({
        actor: alice,
        at: TUESDAY + 2 * HOUR + 40 * 60_000,
        ip: IP.vps,
        ua: BOTO3,
        api: 'sts:GetCallerIdentity',
      }),
    ]);

    // Assess
    const f = only(s.findings(), 'baseline.new-country');
    expect([f.severity, f.title, f.evidence.score]).toEqual([
      'high',
      'alice active from RO, a country never seen for them',
      4.5,
    ]);
    expect(
      (f.evidence.contributors as { feature: string; weight: number }[]).map((c) => [c.feature, c.weight]),
    ).toEqual([
      ['new-country', 2],
      ['off-hours', 1.5],
      ['new-user-agent', 1],
    ]);
    expect(hitsOf(s.findings(), 'baseline.off-hours')).toEqual([
      ['high', 'alice active at Tue 02:40 UTC, outside their usual hours'],
    ]);
  });

  it('halves where and how for a session with MFA: the traveller stays low even at odd hours', async () => {
    // Prepare
    const s = await matureAlice();

    // Act: an MFA sign-in from a New York hotel at 15:00 UTC, then CLI calls without MFA from there.
    await s.run([
      record({ actor: alice, at: TUESDAY + 14 * HOUR, ip: IP.newYork, mfa: true, api: 'signin:ConsoleLogin' }),
      record({ actor: alice, at: TUESDAY + 20 * HOUR, ip: IP.newYork, api: 'ec2:DescribeInstances' }),
    ]);

    // Assess
    expect(s.findings().map((f) => [f.detector, f.severity, f.evidence.score])).toEqual([
      ['baseline.new-country', 'low', 1],
      ['baseline.off-hours', 'low', 2.5],
    ]);
    const country = only(s.findings(), 'baseline.new-country');
    expect([country.evidence.sessionMfa, country.evidence.usualMfa]).toEqual([true, 'MFA in 0% of 120 active hours']);
  });

  it('reports a new ASN in a known country, and a new network of a known ASN only with company', async () => {
    // Prepare
    const s = await matureAlice();

    // Act: another ISP at noon; the office network at noon; the office network at 3 a.m. with boto3.
    await s.run([
      record({ actor: alice, at: TUESDAY + 12 * HOUR, ip: IP.otherIsp }),
      record({ actor: alice, at: TUESDAY + DAY + 12 * HOUR, ip: IP.office }),
      record({ actor: alice, at: TUESDAY + 2 * DAY + 3 * HOUR, ip: '81.2.71.99', ua: BOTO3 }),
    ]);

    // Assess: a new network (0.5) at night (1.5) with a new tool (1) scores 3, medium.
    expect(hitsOf(s.findings(), 'baseline.new-asn')).toEqual([
      ['low', 'alice active from AS5089 (Virgin Media), never seen for them'],
    ]);
    expect(hitsOf(s.findings(), 'baseline.new-network')).toEqual([
      ['medium', 'alice active from network 81.2.71, never seen for them'],
    ]);
    expect(hitsOf(s.findings(), 'baseline.new-user-agent')).toEqual([
      ['medium', 'alice used boto3, a tool never seen for them'],
    ]);
  });

  it('finds impossible travel between country centroids faster than an airliner', async () => {
    // Prepare
    const s = await matureAlice();

    // Act: London at 11:00, New York at 11:30.
    await s.run([
      record({ actor: alice, at: TUESDAY + 11 * HOUR, ip: IP.home }),
      record({ actor: alice, at: TUESDAY + 11.5 * HOUR, ip: IP.newYork }),
    ]);

    // Assess
    const f = only(s.findings(), 'baseline.impossible-travel');
    expect([f.severity, f.title]).toEqual(['high', 'alice moved from GB to US in 0.5 h']);
    expect(f.evidence.travel).toEqual({ from: 'GB', to: 'US', km: 4652, hours: 0.5, kmh: 9305, impossible: true });
  });

  it('does not call the company VPN travel: a provider most peers use', async () => {
    // Prepare: five peers, all of whom use the London VPN now and then.
    const s = scorer();
    const team = ['ann', 'bob', 'cat', 'dan', 'eve'].map((p) => ({
      person: `${p}@acme.example`,
      permissionSet: 'Developer',
    }));
    const records = team.flatMap((actor) => [
      ...routine({ actor, days: 21 }),
      record({ actor, at: MONDAY + 3 * DAY + 13 * HOUR, ip: IP.vpn }),
    ]);
    records.push(...routine({ actor: { person: 'fay@acme.example', permissionSet: 'Developer' }, days: 21 }));
    await s.run(records);
    const fay = { person: 'fay@acme.example', permissionSet: 'Developer' };

    // Act: fay, who never used the VPN, hops onto it and back within minutes.
    await s.run([
      record({ actor: fay, at: TUESDAY + 11 * HOUR, ip: IP.vpn }),
      record({ actor: fay, at: TUESDAY + 11.1 * HOUR, ip: IP.home }),
    ]);

    // Assess
    expect(
      s
        .findings()
        .filter((f) => f.principal.key === keyOf(fay))
        .map((f) => [f.detector, f.severity]),
    ).toEqual([['baseline.new-asn', 'low']]);
  });
});

describe('when: off-hours in the principal’s own rhythm', () => {
  it('rates one night of ordinary work low', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run([record({ actor: alice, at: TUESDAY + 3 * HOUR })]);

    // Assess
    const f = only(s.findings(), 'baseline.off-hours');
    expect([f.severity, f.title, f.evidence.hours]).toEqual([
      'low',
      'alice active at Tue 03:00 UTC, outside their usual hours',
      'Tue 03:00 UTC: never active at this hour of the week, 0% of usual at this hour of day',
    ]);
  });

  it('judges by the principal’s own hours: a night worker at night is not off-hours', async () => {
    // Prepare: a pipeline that works 01:00-02:00 every day.
    const s = scorer();
    const pipeline = { user: 'pipeline' };
    const records = [];
    for (let day = 0; day < 22; day++) {
      for (let i = 0; i < 10; i++)
        records.push(record({ actor: pipeline, at: MONDAY + day * DAY + HOUR + i * 360_000 }));
    }

    // Act
    await s.run(records);

    // Assess
    expect(s.findings()).toEqual([]);
  });
});

describe('what: first use of a sensitive API, a sensitive bucket, an API rare for peers', () => {
  it('rates the first use of a sensitive API low alone and names it', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run([record({ actor: alice, at: TUESDAY + 11 * HOUR, api: 'iam:CreateAccessKey' })]);

    // Assess
    const f = only(s.findings(), 'baseline.sensitive-api-first-use');
    expect([f.severity, f.title, f.evidence.firstUse]).toEqual([
      'low',
      'alice called iam:CreateAccessKey for the first time',
      'iam:CreateAccessKey',
    ]);
    expect(f.attack).toEqual(['T1098', 'T1555.006', 'T1562']);
  });

  it('rates the first access to a sensitive bucket, once', async () => {
    // Prepare
    const s = await matureAlice(0);

    // Act
    await s.run([
      record({ actor: alice, at: TUESDAY + 11 * HOUR, api: 's3:GetObject', bucket: SENSITIVE_BUCKET }),
      record({ actor: alice, at: TUESDAY + 11.2 * HOUR, api: 's3:GetObject', bucket: SENSITIVE_BUCKET }),
      record({ actor: alice, at: TUESDAY + 11.3 * HOUR, api: 's3:GetObject', bucket: 'acme-build-cache' }),
    ]);

    // Assess
    expect(hitsOf(s.findings(), 'baseline.sensitive-bucket-first-access')).toEqual([
      ['low', 'alice read from sensitive bucket acme-customer-data for the first time'],
    ]);
  });

  it('judges a new joiner against peers: the team’s APIs are no news, one nobody uses is', async () => {
    // Prepare: five developers at work for three weeks.
    const s = scorer();
    const team = ['ann', 'bob', 'cat', 'dan', 'eve'].map((p) => ({
      person: `${p}@acme.example`,
      permissionSet: 'Developer',
    }));
    await s.run(team.flatMap((actor) => routine({ actor, days: 21 })));
    const joiner = { person: 'new@acme.example', permissionSet: 'Developer' };

    // Act: day one of the joiner, then day two with an API the team never calls.
    await s.run([
      ...routine({ actor: joiner, days: 1, fromDay: 22 }),
      record({ actor: joiner, at: MONDAY + 23 * DAY + 11 * HOUR, api: 'ssm:StartSession' }),
    ]);

    // Assess
    expect(s.findings().map((f) => [f.detector, f.severity, f.title])).toEqual([
      ['baseline.rare-api-for-peers', 'low', 'new@acme.example called ssm:StartSession, which 0 of 5 peers use'],
    ]);
    const f = only(s.findings(), 'baseline.rare-api-for-peers');
    expect(f.evidence.baseline).toEqual({
      ageDays: 1.1,
      activeDays: 1,
      learningWindowDays: 14,
      young: true,
      note: 'young baseline (1.1 of 14 days): score multiplied by 0.5',
      peerGroup: 'ps:Developer',
    });
  });
});

describe('how: user-agent families and pentest tooling', () => {
  it('rates pentest tooling medium on its own', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run([record({ actor: alice, at: TUESDAY + 11 * HOUR, ua: KALI })]);

    // Assess
    expect(hitsOf(s.findings(), 'baseline.new-user-agent')).toEqual([['medium', 'alice used pentest tooling']]);
  });
});

describe('how much: bulk downloads, discovery and AccessDenied bursts', () => {
  it('fires a bulk download when the running volume crosses ten times the median, not at the day’s end', async () => {
    // Prepare
    const s = await matureAlice(20);
    const burst = Array.from({ length: 800 }, (_, i) =>
      record({
        actor: alice,
        at: TUESDAY + 11 * HOUR + i * 2_000,
        api: 's3:GetObject',
        bucket: SENSITIVE_BUCKET,
        bytes: 2_000_000,
      }),
    );

    // Act
    await s.run(burst);

    // Assess
    // Assess: raised medium at the 216th object (10x), high at the 432nd (20x), the title following.
    const f = only(s.findings(), 'baseline.bulk-download');
    const crossing = new Date(TUESDAY + 11 * HOUR + 215 * 2_000).toISOString();
    expect([f.firstEventTime, f.severity, f.title]).toEqual([
      crossing,
      'high',
      'alice read 432 S3 objects in 24 h, 20x their normal day',
    ]);
    // The evidence is the escalating hit's, so it agrees with the severity and title.
    expect(f.evidence.deviation).toBe('20x the 15-day median of objects read a day (21.6)');
    expect(f.eventIds).toHaveLength(2);
  });

  it('out of hours, half as much is bulk already', async () => {
    // Prepare
    const s = await matureAlice(50);
    const burst = Array.from({ length: 300 }, (_, i) =>
      record({ actor: alice, at: TUESDAY + 22 * HOUR + i * 2_000, api: 's3:GetObject', bucket: SENSITIVE_BUCKET }),
    );

    // Act
    await s.run(burst);

    // Assess
    const f = only(s.findings(), 'baseline.bulk-download');
    expect([f.severity, f.evidence.deviation]).toEqual(['high', '5x the 15-day median of objects read a day (52.8)']);
  });

  it('finds a discovery burst: many List/Describe APIs never used, in two hours', async () => {
    // Prepare
    const s = await matureAlice();
    const apis = [
      'ListUsers',
      'ListRoles',
      'ListPolicies',
      'ListGroups',
      'GetAccountSummary',
      'ListAccessKeys',
      'ListMFADevices',
      'GetAccountPasswordPolicy',
      'ListSAMLProviders',
      'ListInstanceProfiles',
      'ListServerCertificates',
    ];

    // Act
    await s.run(
      apis.map((name, i) => record({ actor: alice, at: TUESDAY + 11 * HOUR + i * 60_000, api: `iam:${name}` })),
    );

    // Assess
    const f = only(s.findings(), 'baseline.discovery-burst');
    expect([f.severity, f.title, f.evidence.discovery]).toEqual([
      'low',
      'alice made 10 discovery calls in 2 h, 10 to APIs they never used',
      { calls: 10, newApis: 10, hourlyNormal: 2.7 },
    ]);
    expect(f.evidence.distinctApisOnANormalDay).toBe(7);
  });

  it('finds a burst of AccessDenied', async () => {
    // Prepare
    const s = await matureAlice();

    // Act
    await s.run(
      Array.from({ length: 12 }, (_, i) =>
        record({ actor: alice, at: TUESDAY + 11 * HOUR + i * 30_000, api: 'iam:ListUsers', error: 'AccessDenied' }),
      ),
    );

    // Assess
    const f = only(s.findings(), 'baseline.access-denied-burst');
    expect([f.severity, f.title]).toEqual(['low', 'alice was denied 10 of 10 calls in 2 h']);
  });
});

describe('learning window', () => {
  it('halves a young baseline’s anomalies and says the baseline is young', async () => {
    // Prepare: five days of history only.
    const s = scorer();
    await s.run(routine({ actor: alice, days: 5 }));

    // Act: stolen keys on day 6.
    await s.run([record({ actor: alice, at: MONDAY + 5 * DAY + 2 * HOUR, ip: IP.vps, ua: BOTO3 })]);

    // Assess
    const f = only(s.findings(), 'baseline.new-country');
    expect([f.severity, f.evidence.score]).toEqual(['low', 1.5]);
    expect((f.evidence.baseline as { note: string }).note).toBe(
      'young baseline (4.7 of 14 days): score multiplied by 0.5',
    );
  });

  it('leaves rule detections alone: a young principal’s rule finding keeps its severity', async () => {
    // Prepare: a rule that flags every CreateAccessKey high, beside the baseline detectors.
    const s = scorer();
    await s.run(routine({ actor: alice, days: 5 }));
    const rule: DetectorDefinition = {
      id: 'test.create-access-key',
      title: 'Access key created',
      severity: 'high',
      attack: ['T1098.001'],
      techniques: [],
      triggers: [{ source: 'iam.amazonaws.com', names: ['CreateAccessKey'] }],
      fastPath: true,
      dedupWindowMinutes: 60,
      runbook: 'Ask.',
      detect: (event) => (event.name === 'CreateAccessKey' ? { evidence: {} } : null),
    };
    const deps = { ...s.deps, detectors: [...s.deps.detectors, rule] };

    // Act
    await scoreEvents(
      events([record({ actor: alice, at: MONDAY + 5 * DAY + 2 * HOUR, api: 'iam:CreateAccessKey' })]),
      deps,
      {
        learn: true,
      },
    );

    // Assess: the rule is high; the baseline's view of the same call is halved (and five days are
    // too few to judge hours).
    expect(s.findings().map((f) => [f.detector, f.severity, f.evidence.score ?? null])).toEqual([
      ['baseline.sensitive-api-first-use', 'low', 0.8],
      ['test.create-access-key', 'high', null],
    ]);
  });

  it('stops being young after the configured window', async () => {
    // Prepare
    const s = scorer({ learning: { windowDays: 4 } });
    await s.run(routine({ actor: alice, days: 5 }));

    // Act
    await s.run([record({ actor: alice, at: MONDAY + 5 * DAY + 2 * HOUR, ip: IP.vps, ua: BOTO3 })]);

    // Assess
    expect(hitsOf(s.findings(), 'baseline.new-country')).toEqual([
      ['medium', 'alice active from RO, a country never seen for them'],
    ]);
  });
});
