import { describe, expect, it } from 'vitest';
import {
  apiName,
  hourOfWeek,
  isDiscovery,
  networkOf,
  s3Access,
  userAgentFamily,
} from '../../../lambdas/core/baseline/features.ts';
import { judgeTravel } from '../../../lambdas/core/baseline/places.ts';
import { DAY, events, HOUR, MONDAY, record, SENSITIVE_BUCKET } from './fixtures.ts';

const alice = { user: 'alice' } as const;
const one = (call: Parameters<typeof record>[0]) =>
  events([record(call)])[0] as NonNullable<ReturnType<typeof events>[0]>;

describe('features of an event', () => {
  it.each([
    ['203.0.113.77', false, '203.0.113'],
    ['2001:db8:1:2::7', false, '2001:db8:1'],
    ['2001:0db8:0001:0002:0000:0000:0000:0007', false, '2001:db8:1'],
    ['::1', false, '0:0:0'],
    ['52.95.4.1', true, 'aws'],
    ['not-an-ip', false, null],
  ])('puts %s in network %s', (ip, isAws, network) => {
    expect(networkOf(ip, isAws as boolean)).toBe(network);
  });

  it.each([
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22', 'aws-cli'],
    ['aws-cli/2.15.30 Python/3.11.9 Linux/6.8.11-amd64 exe/x86_64.kali.2024', 'pentest'],
    ['Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0', 'boto3'],
    ['Pacu/1.5.2 Boto3/1.34.144', 'pentest'],
    ['console.amazonaws.com', 'console'],
    ['signin.amazonaws.com', 'console'],
    ['Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0', 'terraform'],
    ['aws-sdk-js/3.658.1 ua/2.1 os/linux lang/js md/nodejs#20.17.0', 'sdk-js'],
    ['aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0', 'sdk-go'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0', 'browser'],
    ['cloudformation.amazonaws.com', 'aws-service'],
    ['curl/8.5.0', 'http-client'],
    ['MyTool/0.1 (internal)', 'other:mytool'],
    ['', 'none'],
  ])('calls the user agent %s family %s', (ua, family) => {
    expect(userAgentFamily(ua)).toBe(family);
  });

  it('names APIs without the version CloudTrail appends', () => {
    const lambda = one({ actor: alice, at: MONDAY, api: 'lambda:GetFunction20150331v2' });
    const iam = one({ actor: alice, at: MONDAY, api: 'iam:CreateAccessKey' });
    expect([apiName(lambda), apiName(iam)]).toEqual(['lambda:GetFunction', 'iam:CreateAccessKey']);
  });

  it('tells discovery calls from S3 object reads and writes', () => {
    const list = one({ actor: alice, at: MONDAY, api: 'iam:ListUsers' });
    const put = one({ actor: alice, at: MONDAY, api: 'iam:PutUserPolicy' });
    const get = one({ actor: alice, at: MONDAY, api: 's3:GetObject', bucket: SENSITIVE_BUCKET });
    const write = one({ actor: alice, at: MONDAY, api: 's3:PutObject', bucket: 'b' });
    expect([isDiscovery(list), isDiscovery(put), isDiscovery(get)]).toEqual([true, false, false]);
    expect([s3Access(get), s3Access(write), s3Access(list)]).toEqual([
      { bucket: SENSITIVE_BUCKET, write: false, objectRead: true },
      { bucket: 'b', write: true, objectRead: false },
      null,
    ]);
  });

  it('counts hours of the week from Monday 00:00 UTC', () => {
    expect([
      hourOfWeek(MONDAY),
      hourOfWeek(MONDAY + 6 * DAY + 23 * HOUR),
      hourOfWeek(MONDAY + 7 * DAY + 9 * HOUR),
    ]).toEqual([0, 167, 9]);
  });
});

describe('impossible travel between country centroids', () => {
  it.each([
    ['GB', 'US', 0.5, { from: 'GB', to: 'US', km: 4652, hours: 0.5, kmh: 9305, impossible: true }],
    ['GB', 'US', 8, { from: 'GB', to: 'US', km: 4652, hours: 8, kmh: 582, impossible: false }],
    ['DE', 'FR', 0.1, { from: 'DE', to: 'FR', km: 209, hours: 0.1, kmh: 2094, impossible: false }],
    ['DE', 'RO', 0.5, { from: 'DE', to: 'RO', km: 634, hours: 0.5, kmh: 1268, impossible: true }],
    ['GB', 'JP', 0, { from: 'GB', to: 'JP', km: 8697, hours: 0, kmh: Number.POSITIVE_INFINITY, impossible: true }],
  ])('judges %s to %s in %s h', (from, to, hours, travel) => {
    expect(judgeTravel(from, MONDAY, to, MONDAY + (hours as number) * HOUR)).toEqual(travel);
  });

  it('cannot judge a country it has no centroid for, nor staying put', () => {
    expect([judgeTravel('GB', MONDAY, 'XX', MONDAY + HOUR), judgeTravel('GB', MONDAY, 'GB', MONDAY)]).toEqual([
      null,
      null,
    ]);
  });
});
