import type { ScenarioLabel } from '../../../cli/demo/label.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';

/** A finding as the contract shapes it; tests override what they are about. */
export const finding = (overrides: Partial<Finding> & Pick<Finding, 'id'>): Finding => ({
  detector: 'root.credential-use',
  title: 'Root user credentials used',
  severity: 'high',
  risk: 60,
  principal: {
    key: 'root:739184620357',
    arn: 'arn:aws:iam::739184620357:root',
    type: 'Root',
    accountId: '739184620357',
    name: 'root',
  },
  eventIds: ['11111111-1111-4111-8111-111111111111'],
  firstEventTime: '2026-10-20T20:40:12Z',
  lastEventTime: '2026-10-20T20:47:44Z',
  attack: ['T1078.004'],
  evidence: {},
  response: null,
  ...overrides,
});

/** The labels the evaluation tests score against. */
export const labels: ScenarioLabel[] = [
  {
    id: 'root-console-and-api',
    title: 'Root user sign-in, root access key and root API calls',
    kind: 'attack',
    principalKey: 'root:739184620357',
    start: '2026-10-20T20:40:12Z',
    end: '2026-10-20T20:47:44Z',
    expect: { detectors: ['root.credential-use'], minSeverity: 'high' },
    story: 'Someone signs in as root.',
  },
  {
    id: 'stolen-access-key',
    title: 'Stolen access key used from a new country at night',
    kind: 'attack',
    principalKey: 'user:739184620357:oliver.grant',
    start: '2026-10-26T02:40:00Z',
    end: '2026-10-26T02:46:19Z',
    expect: { detectors: ['credentials.stolen-key-pattern', 'baseline.new-country'], minSeverity: 'high' },
    story: 'A leaked key is used from Romania.',
  },
  {
    id: 'pentest-user-agent',
    title: 'Enumeration from a Kali Linux machine',
    kind: 'attack',
    principalKey: 'person:isla.vogel@acme.example',
    start: '2026-10-19T11:06:00Z',
    end: '2026-10-19T11:10:48Z',
    expect: { detectors: ['useragent.pentest-tool'], minSeverity: 'medium' },
    story: 'A developer runs Kali.',
  },
  {
    id: 'on-call-night',
    title: 'On-call engineer paged at 3 am',
    kind: 'benign',
    principalKey: 'person:rafael.khan@acme.example',
    start: '2026-10-21T01:03:00Z',
    end: '2026-10-21T01:18:42Z',
    story: 'Routine operations at night.',
  },
  {
    id: 'traveller',
    title: 'Contractor working from New York for a week',
    kind: 'benign',
    principalKey: 'user:739184620357:lena.fischer',
    start: '2026-10-19T04:00:00Z',
    end: '2026-10-23T03:59:59Z',
    story: 'Works from New York with MFA.',
  },
];
