/**
 * A principal state as the scorer keeps it after a few weeks of a busy engineer's work: the baseline
 * holds the capped maps a behavioural model keeps (actions, services, regions, networks, user
 * agents, buckets, hours, days), 2.6 KB as JSON, and a little detector memory.
 */
import type { PrincipalState } from '../../lambdas/core/state.ts';

const DAY = 86_400_000;
const START = Date.UTC(2026, 4, 4, 8, 12, 31, 417);

const ACTIONS = [
  'iam:ListUsers',
  'iam:GetUser',
  'iam:ListRoles',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'iam:GetPolicyVersion',
  'sts:AssumeRole',
  'sts:GetCallerIdentity',
  's3:ListBuckets',
  's3:GetObject',
  's3:PutObject',
  's3:ListObjectsV2',
  's3:GetBucketPolicy',
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'lambda:ListFunctions',
  'lambda:GetFunction',
  'lambda:UpdateFunctionCode',
  'logs:FilterLogEvents',
  'logs:DescribeLogGroups',
  'cloudformation:DescribeStacks',
  'cloudformation:ListStacks',
  'kms:Decrypt',
  'kms:DescribeKey',
  'secretsmanager:GetSecretValue',
  'dynamodb:DescribeTable',
  'dynamodb:Query',
  'signin:ConsoleLogin',
];

/** A realistic principal state: an Identity Center person with three weeks of history. */
export const realisticPrincipalState = (key = 'person:alice.jones@example.com'): PrincipalState => ({
  key,
  version: 0,
  principal: {
    arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/alice.jones@example.com',
    type: 'IdentityCenterUser',
    accountId: '123456789012',
    name: 'alice.jones@example.com',
  },
  firstSeen: START,
  lastSeen: START + 21 * DAY + 3_600_000,
  watermark: START + 21 * DAY + 3_600_000,
  watermarkIds: ['3e0c5b7a-6f1d-4c2e-9a8b-1f2d3c4b5a69', '8b1a2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
  eventCount: 48_213,
  risk: {
    value: 37.5,
    at: START + 20 * DAY,
    contributors: [
      {
        findingId: 'f-7c2d9a1e4b6f8a03',
        detector: 'iam.access-key-created-for-other-user',
        points: 30,
        at: START + 20 * DAY,
      },
      {
        findingId: 'f-19ab44c0d2e7f615',
        detector: 'signin.console-login-without-mfa',
        points: 15,
        at: START + 18 * DAY,
      },
    ],
    counted: ['f-7c2d9a1e4b6f8a03', 'f-19ab44c0d2e7f615'],
  },
  openCaseId: null,
  frozenUntil: 0,
  baseline: {
    v: 1,
    since: START,
    hours: [
      0, 0, 0, 0, 0, 0, 12, 310, 2210, 4120, 4480, 3950, 2870, 3920, 4410, 4230, 3810, 2120, 640, 120, 30, 8, 0, 0,
    ],
    weekdays: [210, 9120, 9840, 9610, 9370, 8980, 1083],
    actions: Object.fromEntries(
      ACTIONS.map((action, i) => [action, { n: 40 * (i + 3) + (i % 7) * 113, last: START + 21 * DAY - i * 3_613_000 }]),
    ),
    regions: { 'eu-west-1': 38_120, 'us-east-1': 9_870, 'eu-central-1': 223 },
    networks: {
      '203.0.113.0/24': { asn: 64_501, country: 'GB', n: 31_200, last: START + 21 * DAY },
      '198.51.100.0/24': { asn: 64_502, country: 'GB', n: 12_410, last: START + 20 * DAY },
      '192.0.2.0/24': { asn: 64_503, country: 'IE', n: 4_380, last: START + 17 * DAY },
      'aws-internal': { asn: 16_509, country: 'US', n: 223, last: START + 9 * DAY },
    },
    userAgents: { 'aws-cli/2': 21_030, console: 17_220, 'Boto3/1.34': 8_940, terraform: 1_023 },
    buckets: {
      'acme-build-artifacts': { reads: 4_120, writes: 910, bytes: 18_734_002_113 },
      'acme-finance-reports': { reads: 31, writes: 0, bytes: 48_211_907 },
      'acme-app-logs': { reads: 1_204, writes: 0, bytes: 2_331_870_442 },
    },
    errors: { AccessDenied: 41, ThrottlingException: 7, NoSuchEntity: 12 },
    daily: [
      2410, 2233, 2512, 2390, 310, 95, 2604, 2712, 2388, 2491, 2577, 288, 40, 2811, 2640, 2519, 2702, 2833, 201, 77,
      2480,
    ],
  },
  detectorMemory: {
    'signin.console-login-without-mfa': { lastAlertAt: START + 18 * DAY },
    's3.bulk-download': { windowStart: START + 21 * DAY, bytes: 1_204_331_008, objects: 312 },
  },
});
