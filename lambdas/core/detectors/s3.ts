/** S3 detectors: exposure through policies, ACLs and block public access, lost access logs, and ransomware. */
import type { DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import {
  actor,
  asRecord,
  asString,
  countDistinct,
  externalAccountsOf,
  forgetBefore,
  hasRestrictingCondition,
  inProduction,
  mark,
  markedWithin,
  minutes,
  param,
  policyStatements,
  raise,
  succeeded,
  whereIs,
} from './helpers.ts';

const bucketOf = (event: VigilEvent): string =>
  param(event, 'bucketName') ?? asString(event.request.Host)?.split('.')[0] ?? 'unknown bucket';

/** The severity for a bucket: one higher on a configured sensitive bucket, one lower for trusted automation. */
const bucketSeverity = (base: Severity, bucket: string, event: VigilEvent, ctx: DetectorContext): Severity => {
  if (ctx.isTrustedAutomation(event.principal)) return 'low';
  const severity = ctx.isSensitiveBucket(bucket) ? raise(base) : base;
  return inProduction(severity, event, ctx);
};

const PUBLIC_ACCESS_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

/** S3 Block Public Access turned off or loosened, for the whole account or one bucket. */
export const blockPublicAccessDisabled: DetectorDefinition = {
  id: 's3.block-public-access-disabled',
  title: 'S3 Block Public Access disabled',
  severity: 'medium',
  attack: ['T1530', 'T1562'],
  techniques: [
    'guardduty:Policy:S3/AccountBlockPublicAccessDisabled',
    'guardduty:Policy:S3/BucketBlockPublicAccessDisabled',
  ],
  triggers: [
    {
      source: 's3.amazonaws.com',
      names: [
        'PutBucketPublicAccessBlock',
        'DeleteBucketPublicAccessBlock',
        'PutAccountPublicAccessBlock',
        'DeleteAccountPublicAccessBlock',
      ],
    },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Turn Block Public Access back on (aws s3control put-public-access-block for the account, aws s3api put-public-access-block for a bucket) unless a reviewed exception exists, then look for policies or ACLs made public meanwhile.',
  detect(event, ctx) {
    if (event.source !== 's3.amazonaws.com' || !succeeded(event) || !event.name.endsWith('PublicAccessBlock'))
      return null;
    const account = event.name.includes('Account');
    const deleted = event.name.startsWith('Delete');
    const configuration = asRecord(event.request.PublicAccessBlockConfiguration);
    const off = deleted
      ? [...PUBLIC_ACCESS_FLAGS]
      : PUBLIC_ACCESS_FLAGS.filter((flag) => configuration[flag] === false || configuration[flag] === 'false');
    if (off.length === 0) return null;
    const bucket = account ? null : bucketOf(event);
    const severity = account
      ? ctx.isTrustedAutomation(event.principal)
        ? 'low'
        : inProduction('high', event, ctx)
      : bucketSeverity('medium', bucket ?? '', event, ctx);
    return {
      severity,
      title: account
        ? `S3 Block Public Access ${deleted ? 'removed' : 'loosened'} for account ${event.accountId}`
        : `S3 Block Public Access ${deleted ? 'removed' : 'loosened'} on bucket ${bucket}`,
      dedupKey: bucket ?? `account/${event.accountId}`,
      evidence: {
        scope: account ? 'account' : 'bucket',
        bucket,
        flagsOff: off,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const PUBLIC_CANNED = /^(public-read|public-read-write|authenticated-read)$/;

/** Why a PutBucketPolicy or PutBucketAcl call makes a bucket public, or null. */
const publicGrant = (event: VigilEvent): string | null => {
  if (event.name === 'PutBucketPolicy') {
    const open = policyStatements(event.request.bucketPolicy).find(
      (s) => s.effect === 'Allow' && s.anyone && !hasRestrictingCondition(s),
    );
    return open ? `policy allows ${open.actions.join(', ') || 'actions'} to anyone` : null;
  }
  if (event.name === 'PutBucketAcl') {
    const canned = [event.request['x-amz-acl']].flat().find((v) => typeof v === 'string' && PUBLIC_CANNED.test(v));
    if (typeof canned === 'string') return `canned ACL ${canned}`;
    const group = PUBLIC_GROUPS.exec(JSON.stringify(event.request.AccessControlPolicy ?? {}));
    return group ? `ACL grants ${group[1]}` : null;
  }
  return null;
};

/** A bucket policy or ACL that grants anyone (anonymous or any AWS account) access to a bucket. */
export const bucketMadePublic: DetectorDefinition = {
  id: 's3.bucket-made-public',
  title: 'S3 bucket made public',
  severity: 'high',
  attack: ['T1530'],
  techniques: ['guardduty:Policy:S3/BucketAnonymousAccessGranted', 'guardduty:Policy:S3/BucketPublicAccessGranted'],
  triggers: [{ source: 's3.amazonaws.com', names: ['PutBucketPolicy', 'PutBucketAcl'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Remove the public statement or grant (aws s3api put-bucket-policy / put-bucket-acl), turn on Block Public Access, and check the bucket's access since (S3 server access logs or data events) for downloads by strangers.",
  detect(event, ctx) {
    if (event.source !== 's3.amazonaws.com' || !succeeded(event)) return null;
    const why = publicGrant(event);
    if (!why) return null;
    const bucket = bucketOf(event);
    return {
      severity: bucketSeverity('high', bucket, event, ctx),
      title: `Bucket ${bucket} made public: ${why}`,
      dedupKey: bucket,
      evidence: {
        bucket,
        reason: why,
        sensitive: ctx.isSensitiveBucket(bucket),
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** A bucket policy that grants an account outside the organisation access: the backdoor Stratus plants. */
export const bucketSharedExternally: DetectorDefinition = {
  id: 's3.bucket-shared-externally',
  title: 'S3 bucket policy grants an outside account access',
  severity: 'high',
  attack: ['T1537', 'T1530'],
  techniques: ['stratus:aws.exfiltration.s3-backdoor-bucket-policy'],
  triggers: [{ source: 's3.amazonaws.com', names: ['PutBucketPolicy'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Find who owns the outside account. If nobody expects it: remove the statement (aws s3api put-bucket-policy), and look for reads by that account in S3 data events or server access logs.',
  detect(event, ctx) {
    if (event.name !== 'PutBucketPolicy' || !succeeded(event)) return null;
    const accounts = [
      ...new Set(policyStatements(event.request.bucketPolicy).flatMap((s) => externalAccountsOf(s, event, ctx))),
    ];
    if (accounts.length === 0) return null;
    const bucket = bucketOf(event);
    return {
      severity: bucketSeverity('high', bucket, event, ctx),
      title: `Bucket ${bucket} shared with account ${accounts.join(', ')}`,
      dedupKey: bucket,
      evidence: {
        bucket,
        accounts,
        sensitive: ctx.isSensitiveBucket(bucket),
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Server access logging switched off on a bucket. */
export const serverAccessLoggingDisabled: DetectorDefinition = {
  id: 's3.server-access-logging-disabled',
  title: 'S3 server access logging disabled',
  severity: 'medium',
  attack: ['T1562.008'],
  techniques: ['guardduty:Stealth:S3/ServerAccessLoggingDisabled'],
  triggers: [{ source: 's3.amazonaws.com', names: ['PutBucketLogging'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Turn logging back on (aws s3api put-bucket-logging) and review who accessed the bucket while it was off (CloudTrail data events, if enabled).',
  detect(event, ctx) {
    if (event.name !== 'PutBucketLogging' || !succeeded(event)) return null;
    const status = asRecord(event.request.BucketLoggingStatus);
    if (status.LoggingEnabled !== undefined) return null;
    const bucket = bucketOf(event);
    return {
      severity: bucketSeverity('medium', bucket, event, ctx),
      title: `Server access logging disabled on bucket ${bucket}`,
      dedupKey: bucket,
      evidence: { bucket, sensitive: ctx.isSensitiveBucket(bucket), actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};

/** Objects one principal deletes one by one from a bucket within the window before it reads as wiping it. */
const SINGLE_DELETE_BURST = 20;
/** DeleteObjects calls (up to 1000 objects each) on one bucket within the window. */
const BATCH_DELETE_BURST = 3;
const DELETE_WINDOW_MINUTES = 10;
/** How CloudTrail names a listing of object versions (the API's name, and the older IAM-style name). */
const VERSION_LISTINGS = new Set(['ListObjectVersions', 'ListBucketVersions']);
/** A listing of object versions this recent before a batch delete means versions are being purged. */
const VERSION_LISTING_MINUTES = 30;

/**
 * A bucket emptied: many DeleteObject calls, several DeleteObjects batches, or a batch delete
 * right after listing every object version (which is how versioning is defeated). Reads S3 data
 * events, which Vigil collects for sensitive buckets.
 */
export const massDeletion: DetectorDefinition = {
  id: 's3.mass-deletion',
  title: 'Objects mass-deleted from an S3 bucket',
  severity: 'high',
  attack: ['T1485', 'T1490'],
  techniques: [
    'stratus:aws.impact.s3-ransomware-batch-deletion',
    'stratus:aws.impact.s3-ransomware-individual-deletion',
  ],
  triggers: [{ source: 's3.amazonaws.com', names: ['DeleteObject', 'DeleteObjects', 'ListObjectVersions'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Contain the principal first (the deletions may still be running), then restore from versions, replication or AWS Backup. Look for a ransom note uploaded to the bucket and for the same principal touching other buckets.',
  detect(event, ctx) {
    if (event.source !== 's3.amazonaws.com' || !succeeded(event) || ctx.isTrustedAutomation(event.principal))
      return null;
    const listing = VERSION_LISTINGS.has(event.name);
    if (event.name !== 'DeleteObject' && event.name !== 'DeleteObjects' && !listing) return null;
    const memory = ctx.memory('s3.mass-deletion');
    forgetBefore(memory, event.time, minutes(VERSION_LISTING_MINUTES));
    const bucket = bucketOf(event);
    if (listing) {
      mark(memory, `versions:${bucket}`, event.time);
      return null;
    }
    const batch = event.name === 'DeleteObjects';
    const key = batch ? event.id : (param(event, 'key') ?? event.id);
    const count = countDistinct(
      memory,
      `${batch ? 'batch' : 'object'}:${bucket}`,
      key,
      event.time,
      minutes(DELETE_WINDOW_MINUTES),
    );
    const afterListing =
      batch && markedWithin(memory, `versions:${bucket}`, event.time, minutes(VERSION_LISTING_MINUTES));
    const burst = batch ? count >= BATCH_DELETE_BURST : count >= SINGLE_DELETE_BURST;
    if (!burst && !afterListing) return null;
    const how = batch
      ? afterListing
        ? 'deleted object versions in batch right after listing them'
        : `made at least ${count} batch deletions in ${DELETE_WINDOW_MINUTES} minutes`
      : `deleted at least ${count} objects one by one in ${DELETE_WINDOW_MINUTES} minutes`;
    return {
      severity: inProduction(ctx.isSensitiveBucket(bucket) ? 'critical' : 'high', event, ctx),
      title: `${event.principal.name} ${how} in bucket ${bucket}`,
      dedupKey: bucket,
      evidence: {
        bucket,
        method: batch ? 'DeleteObjects' : 'DeleteObject',
        countInWindow: count,
        afterVersionListing: afterListing,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Objects rewritten with a customer-provided key (SSE-C) within the window before it reads as ransomware. */
const SSE_C_BURST = 5;
/** In-place copies (source and destination the same object) with SSE-C: re-encryption, whatever the count. */
const SSE_C_IN_PLACE_BURST = 3;

const copySourceIsItself = (event: VigilEvent, bucket: string): boolean => {
  const source = asString(event.request['x-amz-copy-source']);
  const key = param(event, 'key');
  if (!source || !key) return false;
  return decodeURIComponent(source).replace(/^\//, '').split('?')[0] === `${bucket}/${key}`;
};

/**
 * Objects overwritten with server-side encryption under a key the caller supplies (SSE-C): AWS
 * keeps no copy of the key, so whoever holds it holds the data to ransom.
 */
export const clientKeyEncryption: DetectorDefinition = {
  id: 's3.objects-encrypted-with-client-key',
  title: 'S3 objects rewritten with a customer-provided encryption key',
  severity: 'high',
  attack: ['T1486'],
  techniques: ['stratus:aws.impact.s3-ransomware-client-side-encryption'],
  triggers: [{ source: 's3.amazonaws.com', names: ['PutObject', 'CopyObject'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Contain the principal at once. Without the key the rewritten objects cannot be read: restore previous versions (if versioning is on) or from backups, and block SSE-C on the bucket with a policy denying s3:x-amz-server-side-encryption-customer-algorithm.',
  detect(event, ctx) {
    if (event.source !== 's3.amazonaws.com' || (event.name !== 'PutObject' && event.name !== 'CopyObject')) return null;
    if (!succeeded(event) || asString(event.request['x-amz-server-side-encryption-customer-algorithm']) === undefined)
      return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('s3.objects-encrypted-with-client-key');
    forgetBefore(memory, event.time, minutes(10));
    const bucket = bucketOf(event);
    const key = param(event, 'key') ?? event.id;
    const count = countDistinct(memory, `objects:${bucket}`, key, event.time, minutes(10));
    const inPlace = event.name === 'CopyObject' && copySourceIsItself(event, bucket);
    const inPlaceCount = inPlace ? countDistinct(memory, `in-place:${bucket}`, key, event.time, minutes(10)) : 0;
    if (count < SSE_C_BURST && inPlaceCount < SSE_C_IN_PLACE_BURST) return null;
    return {
      severity: inProduction(ctx.isSensitiveBucket(bucket) ? 'critical' : 'high', event, ctx),
      title: `${event.principal.name} re-encrypted at least ${count} objects in bucket ${bucket} with their own key`,
      dedupKey: bucket,
      evidence: {
        bucket,
        objectsInWindow: count,
        inPlaceCopies: inPlaceCount,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
