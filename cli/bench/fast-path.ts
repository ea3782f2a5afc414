/**
 * Which events take the fast path: each record is wrapped as the EventBridge event CloudTrail puts
 * on the default bus and matched against the patterns CDK deploys (`fastPathTriggers` of the
 * registry, `lib/fast-path-pattern.ts`),
 * with EventBridge's matching semantics (`lambdas/core/event-pattern.ts`).
 */
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import type { DetectorDefinition } from '../../lambdas/core/detector.ts';
import { DETECTORS, fastPathTriggers } from '../../lambdas/core/detectors/registry.ts';
import { type EventPattern, matchesPattern } from '../../lambdas/core/event-pattern.ts';
import { fastPathPatterns } from '../../lib/fast-path-pattern.ts';

/** The `detail-type` EventBridge gives a CloudTrail record. */
export const detailTypeOf = (record: CloudTrailRecord): string => {
  switch (record.eventType) {
    case 'AwsConsoleSignIn':
      return 'AWS Console Sign In via CloudTrail';
    case 'AwsServiceEvent':
      return 'AWS Service Event via CloudTrail';
    case 'AwsCloudTrailInsight':
      return 'AWS Insight via CloudTrail';
    default:
      return 'AWS API Call via CloudTrail';
  }
};

/** The EventBridge event carrying `record`, as the default bus receives it (the `id` is derived, not random). */
export const eventBridgeEvent = (record: CloudTrailRecord): Record<string, unknown> => ({
  version: '0',
  id: record.eventID ?? '00000000-0000-0000-0000-000000000000',
  'detail-type': detailTypeOf(record),
  source: `aws.${(record.eventSource ?? 'unknown.amazonaws.com').split('.')[0]}`,
  account: record.recipientAccountId ?? record.userIdentity?.accountId ?? '000000000000',
  time: record.eventTime ?? '1970-01-01T00:00:00Z',
  region: record.awsRegion ?? 'us-east-1',
  resources: [],
  detail: record,
});

/** Tells fast-path events apart. */
export interface FastPathMatcher {
  /** The deployed patterns (an event takes the fast path when any matches). */
  readonly patterns: readonly EventPattern[];
  /** True when the fast-path rule takes `record`. */
  matches(record: CloudTrailRecord): boolean;
  /**
   * The size in bytes of the EventBridge event for `record` when the fast path takes it, else
   * null. `text` is the record's JSON when the caller has it.
   */
  envelopeBytes(record: CloudTrailRecord, text?: string): number | null;
}

/** Envelope bytes around the record's JSON, from the event's other fields. */
const envelopeOverhead = (record: CloudTrailRecord): number =>
  Buffer.byteLength(JSON.stringify({ ...eventBridgeEvent(record), detail: null })) - 'null'.length;

/** The fast-path matcher for the detector catalog, as `lib/vigil-app.ts` builds the rule. */
export const fastPathMatcher = (detectors: readonly DetectorDefinition[] = DETECTORS): FastPathMatcher => {
  const patterns = fastPathPatterns(fastPathTriggers(detectors));
  const matches = (record: CloudTrailRecord): boolean => {
    const event = eventBridgeEvent(record);
    return patterns.some((pattern) => matchesPattern(pattern, event));
  };
  return {
    patterns,
    matches,
    envelopeBytes: (record, text) =>
      matches(record) ? envelopeOverhead(record) + Buffer.byteLength(text ?? JSON.stringify(record)) : null,
  };
};
