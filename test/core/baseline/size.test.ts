import { describe, expect, it } from 'vitest';
import { principalStateItem } from '../../../lambdas/adapters/dynamo-principal-state-store.ts';
import { itemSizeBytes } from '../../../lambdas/adapters/state-table.ts';
import { WINDOW_MEMORY } from '../../../lambdas/core/baseline/analyse.ts';
import type { Baseline } from '../../../lambdas/core/baseline/profile.ts';
import type { CloudTrailRecord } from '../../../lambdas/core/cloudtrail.ts';
import { BOTO3, CLI, HOUR, KALI, keyOf, MONDAY, record, SENSITIVE_BUCKET, scorer } from './fixtures.ts';

const SERVICES = [
  'ec2',
  'iam',
  'lambda',
  'cloudformation',
  'dynamodb',
  'secretsmanager',
  'logs',
  'cloudwatch',
  'ecs',
  'ssm',
];
const VERBS = ['Describe', 'List', 'Get', 'Update', 'Create', 'Delete', 'Put', 'Tag', 'Start', 'Stop'];
const NOUNS = [
  'Instances',
  'Policies',
  'Functions',
  'StackResources',
  'TableReplicas',
  'SecretVersions',
  'LogStreams',
  'MetricAlarms',
  'TaskDefinitions',
  'Parameters',
];
const AGENTS = [
  CLI,
  BOTO3,
  'aws-sdk-js/3.658.1 ua/2.1',
  'terraform/1.9.5',
  'aws-sdk-go/1.55.5',
  'aws-sdk-java/2.28.1',
  'console.amazonaws.com',
  KALI,
  'aws-cdk/2.160.0',
  'AWSPowerShell/4.1',
];

/**
 * A principal far busier than a person: 30 days round the clock, 300 distinct APIs, 40 networks,
 * 10 tools, 30 buckets, sensitive reads every hour.
 */
const busy = (): CloudTrailRecord[] => {
  const actor = { user: 'busy' };
  const out: CloudTrailRecord[] = [];
  let n = 0;
  for (let hour = 0; hour < 30 * 24; hour++) {
    for (let i = 0; i < 12; i++, n++) {
      const at = MONDAY + hour * HOUR + i * 300_000;
      const api = `${SERVICES[n % 10]}:${VERBS[Math.floor(n / 10) % 10]}${NOUNS[Math.floor(n / 100) % 10]}`;
      const ip = `81.2.${n % 40}.${n % 250}`;
      out.push(record({ actor, at, api, ip, ua: AGENTS[n % 10], error: n % 50 === 0 ? 'AccessDenied' : undefined }));
    }
    out.push(
      record({
        actor,
        at: MONDAY + hour * HOUR + 1_000,
        api: 's3:GetObject',
        bucket: hour % 3 === 0 ? SENSITIVE_BUCKET : `acme-bucket-${hour % 30}`,
        bytes: 5_000_000,
      }),
    );
  }
  return out;
};

describe('the size of a principal’s state', () => {
  it('stays a few KB for a principal busy round the clock for 30 days: capped sets, short histories', async () => {
    // Prepare
    const s = scorer();

    // Act
    await s.run(busy());

    // Assess
    const state = await s.state(keyOf({ user: 'busy' }));
    const baseline = state.baseline as unknown as Baseline;
    const sizes = {
      baseline: JSON.stringify(state.baseline).length,
      window: JSON.stringify(state.detectorMemory[WINDOW_MEMORY]).length,
      state: JSON.stringify(state).length,
      item: itemSizeBytes(principalStateItem(state)),
    };
    expect([
      Object.keys(baseline.api).length,
      Object.keys(baseline.net).length,
      Object.keys(baseline.ua).length,
    ]).toEqual([64, 12, 8]);
    expect([Object.keys(baseline.s3).length, baseline.vol.g.length, baseline.rec.g.length]).toEqual([16, 29, 8]);
    // Measured: baseline 4,306 bytes of JSON, window 1,491, the whole state 7,436, the DynamoDB item 6,889.
    expect(sizes.baseline).toBeLessThanOrEqual(4_500);
    expect(sizes.window).toBeLessThanOrEqual(1_600);
    expect(sizes.state).toBeLessThanOrEqual(7_700);
    expect(sizes.item).toBeLessThanOrEqual(7_200);
    expect(state.eventCount).toBe(30 * 24 * 13);
  });
});
