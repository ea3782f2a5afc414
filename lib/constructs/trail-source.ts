/**
 * Where Vigil reads CloudTrail from: a trail it creates (multi-region, log file validation, logs
 * encrypted with Vigil's key, S3 data events only for the sensitive buckets), or an existing trail
 * named in the configuration together with the bucket it delivers to.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { acknowledge, nagValue } from '../acknowledge.ts';
import { trailEventSelectors } from '../trail-selectors.ts';
import { CLOUDTRAIL_LOG_KEY_PATTERN } from './bulk-path.ts';

/** Props of TrailSource. */
export interface TrailSourceProps {
  /** The configuration's `trail` section: create a trail, or read an existing one. */
  readonly trail: VigilConfig['trail'];
  /** Buckets whose S3 data events a created trail logs (names, or prefixes ending in `*`). */
  readonly sensitiveBuckets: readonly string[];
  /** Customer-managed key a created trail encrypts its log files with. */
  readonly key: kms.IKey;
}

/** The trail Vigil reads and the bucket its log files land in. */
export class TrailSource extends Construct {
  /** The bucket the trail delivers log files to. */
  readonly bucket: s3.IBucket;
  /** The trail Vigil created; undefined when reading an existing trail. */
  readonly trail?: cloudtrail.Trail;
  /** The key log files are encrypted with, when Vigil created the trail. */
  readonly logKey?: kms.IKey;
  /** Bucket for the trail bucket's server access logs, when Vigil created the trail. */
  readonly accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: TrailSourceProps) {
    super(scope, id);
    const existing = props.trail.existingTrailName;
    if (existing !== undefined) {
      const bucketName = props.trail.existingTrailBucketName;
      if (bucketName === undefined) {
        throw new Error('trail.existingTrailBucketName is required with trail.existingTrailName');
      }
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', bucketName);
      return;
    }

    const stack = Stack.of(this);
    this.logKey = props.key;
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging can only deliver to a bucket encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    acknowledge(
      this.accessLogsBucket,
      'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3); SSE-KMS is not supported for the target bucket.',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
    );
    acknowledge(
      this.accessLogsBucket,
      'Access logs of the trail bucket, kept a year; copies in a second region would double their cost for records CloudTrail itself already covers (data events of the sensitive buckets).',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
    );
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      // An S3 Bucket Key: KMS is asked for a data key per bucket, not per log file.
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
      // The trail is the organisation's evidence: it outlives Vigil.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    acknowledge(
      bucket,
      'The bucket is versioned, retained when the stack is deleted, and CloudTrail validates its files with signed digests. Organisations that need a copy in a second region replicate the log archive centrally; Vigil does not double the storage bill on its own.',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
    );
    // S3 sends "Object Created" events to EventBridge natively; the L2's eventBridgeEnabled would
    // deploy a custom-resource Lambda to do the same.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.bucket = bucket;

    // A fixed name lets the key and bucket policies name the trail without depending on it.
    const trailName = stack.stackName;
    const trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
    const cloudTrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogFiles',
        principals: [cloudTrailPrincipal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [cloudTrailPrincipal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );
    if (props.trail.organisation) {
      // Organisation trails write under AWSLogs/<organisation id>/; only this trail may.
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OrganisationTrailWrites',
          principals: [cloudTrailPrincipal],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects('AWSLogs/*')],
          conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
        }),
      );
    }

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket,
      encryptionKey: props.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
    });
    acknowledge(
      this.trail,
      "Vigil reads the trail from its S3 log files (bulk path) and from EventBridge (fast path). Sending it to CloudWatch Logs as well would bill ingestion of every event: at 10 million events a day, about 15 GB or $7.50 a day, fifteen times Vigil's whole budget.",
      'NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled',
    );
    const cfnTrail = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    // The L2 knows neither organisation trails without an organisation id nor advanced selectors.
    if (props.trail.organisation) cfnTrail.isOrganizationTrail = true;
    cfnTrail.eventSelectors = undefined;
    cfnTrail.advancedEventSelectors = trailEventSelectors(props.sensitiveBuckets, Aws.PARTITION);
  }

  /**
   * Lets `grantee` read CloudTrail log files, and nothing else in the bucket: `s3:GetObject` on the
   * log file keys, and decrypt with the key they are encrypted with. For an existing trail, whose
   * key Vigil does not know, decrypt is allowed only through S3 and only for objects of this bucket.
   */
  grantReadLogs(grantee: iam.IGrantable): void {
    const logFiles = this.bucket.arnForObjects(CLOUDTRAIL_LOG_KEY_PATTERN);
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [logFiles] });
    const policy =
      grantee.grantPrincipal instanceof iam.Role
        ? grantee.grantPrincipal.node.tryFindChild('DefaultPolicy')
        : undefined;
    if (policy) {
      acknowledge(
        policy,
        'Log file names are made by CloudTrail (account, region, time, random suffix), so they cannot be listed in advance; the grant is GetObject on the CloudTrail log keys of the trail bucket only, not digests, not other objects.',
        `AwsSolutions-IAM5[Resource::${nagValue(this, logFiles)}]`,
      );
    }
    if (this.logKey) {
      this.logKey.grantDecrypt(grantee);
      return;
    }
    const anyKey = `arn:${Stack.of(this).partition}:kms:*:*:key/*`;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [anyKey],
      conditions: {
        StringLike: {
          'kms:ViaService': 's3.*.amazonaws.com',
          'kms:EncryptionContext:aws:s3:arn': [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        },
      },
    });
    if (policy) {
      acknowledge(
        policy,
        "The existing trail's key is not in Vigil's configuration. Decrypt is allowed only through S3 (kms:ViaService) and only for objects of the trail bucket (the aws:s3:arn encryption context), so no other data can be decrypted with it.",
        `AwsSolutions-IAM5[Resource::${nagValue(this, anyKey)}]`,
      );
    }
  }
}
