/** Detectors for attempts to blind CloudTrail: stopping it, filtering it, or deleting its logs early. */
import type { DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import { actor, asNumber, asRecord, asString, listOf, param, succeeded, whereIs } from './helpers.ts';

/** CloudTrail logging stopped or a trail deleted. */
export const loggingDisabled: DetectorDefinition = {
  id: 'cloudtrail.logging-disabled',
  title: 'CloudTrail logging stopped or trail deleted',
  severity: 'critical',
  attack: ['T1562.008'],
  techniques: [
    'stratus:aws.defense-evasion.cloudtrail-stop',
    'stratus:aws.defense-evasion.cloudtrail-delete',
    'guardduty:Stealth:IAMUser/CloudTrailLoggingDisabled',
  ],
  triggers: [{ source: 'cloudtrail.amazonaws.com', names: ['StopLogging', 'DeleteTrail'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Restart logging (aws cloudtrail start-logging) or recreate the trail at once, then treat the actor as compromised until shown otherwise: what did they do just before and after?',
  detect(event, ctx) {
    if (event.source !== 'cloudtrail.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'StopLogging' && event.name !== 'DeleteTrail') return null;
    const trail = param(event, 'name') ?? 'unknown trail';
    return {
      // Trusted automation tearing down a stack still deserves eyes, but not a page.
      severity: ctx.isTrustedAutomation(event.principal) ? 'medium' : 'critical',
      title: `${event.name === 'StopLogging' ? 'Logging stopped on' : 'Deleted'} trail ${trail}`,
      dedupKey: trail,
      evidence: { trail, action: event.name, actor: actor(event), ...whereIs(event, ctx), region: event.region },
    };
  },
};

// The only sources basic event selectors can exclude; excluding them is routine cost control.
const ROUTINE_EXCLUSIONS = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);

interface SelectorEffect {
  /** No selector logs management events any more. */
  readonly managementOff: boolean;
  /** Management events are logged, but only read-only ones: every change goes unrecorded. */
  readonly writesOff: boolean;
  /** Management event sources no longer logged, beyond the routine KMS and RDS Data exclusions. */
  readonly excludedSources: readonly string[];
}

const basicSelectorEffect = (selectors: unknown[]): SelectorEffect => {
  const management = selectors.map(asRecord).filter((s) => s.includeManagementEvents !== false);
  const excluded = management.flatMap((s) =>
    listOf(s.excludeManagementEventSources).filter((v) => typeof v === 'string'),
  );
  return {
    managementOff: management.length === 0,
    writesOff: management.length > 0 && management.every((s) => s.readWriteType === 'ReadOnly'),
    excludedSources: [...new Set(excluded as string[])].filter((source) => !ROUTINE_EXCLUSIONS.has(source)),
  };
};

const advancedSelectorEffect = (selectors: unknown[]): SelectorEffect => {
  const fieldsOf = (selector: unknown) => listOf(asRecord(selector).fieldSelectors).map(asRecord);
  const valuesOf = (field: Record<string, unknown>, operator: string): string[] =>
    listOf(field[operator]).filter((v): v is string => typeof v === 'string');
  const management = selectors.filter((selector) =>
    fieldsOf(selector).some((f) => f.field === 'eventCategory' && valuesOf(f, 'equals').includes('Management')),
  );
  const readOnlyOnly = (selector: unknown) =>
    fieldsOf(selector).some((f) => f.field === 'readOnly' && valuesOf(f, 'equals').includes('true'));
  const excluded = management.flatMap((selector) =>
    fieldsOf(selector)
      .filter((f) => f.field === 'eventSource')
      .flatMap((f) => valuesOf(f, 'notEquals')),
  );
  return {
    managementOff: management.length === 0,
    writesOff: management.length > 0 && management.every(readOnlyOnly),
    excludedSources: [...new Set(excluded)].filter((source) => !ROUTINE_EXCLUSIONS.has(source)),
  };
};

/** Event selectors changed so that a trail stops recording management events, their writes, or whole services. */
export const eventSelectorsReduced: DetectorDefinition = {
  id: 'cloudtrail.event-selectors-reduced',
  title: 'CloudTrail event selectors stop recording management events',
  severity: 'critical',
  attack: ['T1562.008'],
  techniques: ['stratus:aws.defense-evasion.cloudtrail-event-selectors'],
  triggers: [{ source: 'cloudtrail.amazonaws.com', names: ['PutEventSelectors'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Restore the trail's selectors (aws cloudtrail put-event-selectors with management events, ReadWriteType All), then review what the actor did while the trail was filtered: CloudTrail Event history still holds 90 days of management events.",
  detect(event, ctx) {
    if (event.name !== 'PutEventSelectors' || !succeeded(event)) return null;
    const basic = event.request.eventSelectors;
    const advanced = event.request.advancedEventSelectors;
    if (basic === undefined && advanced === undefined) return null;
    const effect =
      advanced !== undefined ? advancedSelectorEffect(listOf(advanced)) : basicSelectorEffect(listOf(basic));
    const trail = param(event, 'trailName') ?? 'unknown trail';
    const trusted = ctx.isTrustedAutomation(event.principal);
    let severity: 'critical' | 'high' | 'medium' | 'low';
    let what: string;
    if (effect.managementOff) {
      severity = trusted ? 'medium' : 'critical';
      what = 'no longer records management events';
    } else if (effect.writesOff) {
      severity = trusted ? 'medium' : 'critical';
      what = 'records only read-only management events';
    } else if (effect.excludedSources.length > 0) {
      severity = trusted ? 'low' : 'high';
      what = `no longer records ${effect.excludedSources.join(', ')}`;
    } else {
      return null;
    }
    return {
      severity,
      title: `Trail ${trail} ${what}`,
      dedupKey: trail,
      evidence: {
        trail,
        managementEventsOff: effect.managementOff,
        writeEventsOff: effect.writesOff,
        excludedSources: effect.excludedSources,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Expiration days of the enabled rules of a lifecycle configuration (current and noncurrent versions). */
const expirationDays = (configuration: unknown): number[] =>
  listOf(asRecord(configuration).Rule)
    .map(asRecord)
    .filter((rule) => rule.Status !== 'Disabled')
    .flatMap((rule) => [
      asNumber(asRecord(rule.Expiration).Days),
      asNumber(asRecord(rule.NoncurrentVersionExpiration).NoncurrentDays),
    ])
    .filter((days): days is number => days !== undefined);

/** Log buckets: the configured trail bucket, sensitive buckets, and buckets named for trails or logs. */
const isLogBucket = (bucket: string, ctx: DetectorContext): boolean =>
  bucket === ctx.config.trail.existingTrailBucketName ||
  ctx.isSensitiveBucket(bucket) ||
  /cloudtrail|trail-?logs?|audit-?logs?|security-?logs?/i.test(bucket);

/** Days at or below which a log bucket's lifecycle destroys evidence before anyone looks. */
const SHORT_RETENTION_DAYS = 7;

const lifecycleTarget = (event: VigilEvent): string | undefined =>
  param(event, 'bucketName') ?? asString(event.request.Host)?.split('.')[0];

/** A lifecycle rule that deletes a log bucket's objects within days: the trail keeps writing, the evidence disappears. */
export const logBucketLifecycleShortened: DetectorDefinition = {
  id: 'cloudtrail.log-bucket-lifecycle-shortened',
  title: 'Short expiry set on a log bucket',
  severity: 'high',
  attack: ['T1562.008', 'T1485'],
  techniques: ['stratus:aws.defense-evasion.cloudtrail-lifecycle-rule'],
  triggers: [{ source: 's3.amazonaws.com', names: ['PutBucketLifecycle'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Remove or correct the lifecycle rule (aws s3api get-bucket-lifecycle-configuration / put-bucket-lifecycle-configuration) before it runs (expiry is evaluated daily), check object versioning and Object Lock on the bucket, and review the actor.',
  detect(event, ctx) {
    if (event.name !== 'PutBucketLifecycle' || !succeeded(event)) return null;
    const bucket = lifecycleTarget(event);
    if (!bucket || !isLogBucket(bucket, ctx)) return null;
    const days = expirationDays(event.request.LifecycleConfiguration);
    if (days.length === 0) return null;
    const shortest = Math.min(...days);
    if (shortest > SHORT_RETENTION_DAYS) return null;
    const trusted = ctx.isTrustedAutomation(event.principal);
    return {
      severity: trusted ? 'low' : 'high',
      title: `Objects in log bucket ${bucket} now expire after ${shortest} day${shortest === 1 ? '' : 's'}`,
      dedupKey: bucket,
      evidence: { bucket, expirationDays: shortest, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};
