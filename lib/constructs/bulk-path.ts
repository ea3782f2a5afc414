/**
 * The bulk path: every CloudTrail log file delivered to the trail bucket raises an S3 "Object
 * Created" event on the default bus; a rule sends those for the CloudTrail log prefix (not digest
 * or Insights files) to an encrypted queue, and the scorer reads each file whole. One message per
 * file of hundreds of events keeps the per-event cost of the bulk of the traffic far below one SQS
 * message per event.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EventQueue } from './event-queue.ts';

/** Props of BulkPath. */
export interface BulkPathProps {
  /** The bucket the trail delivers to; its EventBridge notifications must be on. */
  readonly bucket: s3.IBucket;
  /** Customer-managed key of the queue and its dead-letter queue. */
  readonly key: kms.IKey;
  /** Where the dead-letter alarm goes. */
  readonly alarmTopic: sns.ITopic;
  /** Visibility timeout of the queue: at least six times the scorer's timeout. */
  readonly visibilityTimeout: Duration;
}

/**
 * Object keys of CloudTrail log files, for an account trail (`AWSLogs/<account>/CloudTrail/...`)
 * and an organisation trail (`AWSLogs/<org id>/<account>/CloudTrail/...`), under any trail prefix.
 * Digest (`CloudTrail-Digest/`) and Insights (`CloudTrail-Insight/`) files do not match.
 */
export const CLOUDTRAIL_LOG_KEY_PATTERN = '*AWSLogs/*/CloudTrail/*';

/** Trail-bucket "Object Created" events for CloudTrail log files, into an encrypted queue with a DLQ. */
export class BulkPath extends Construct {
  /** The queue the rule fills and the scorer drains. */
  readonly queue: EventQueue;
  /** The rule on the default bus. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BulkPathProps) {
    super(scope, id);
    this.queue = new EventQueue(this, 'Files', {
      key: props.key,
      alarmTopic: props.alarmTopic,
      visibilityTimeout: props.visibilityTimeout,
      purpose: 'CloudTrail log files',
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Vigil bulk path: CloudTrail log files delivered to the trail bucket, to the scorer',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: [{ wildcard: CLOUDTRAIL_LOG_KEY_PATTERN }] },
        },
      },
    });
    this.rule.addTarget(
      new targets.SqsQueue(this.queue.queue, {
        deadLetterQueue: this.queue.deadLetterQueue,
        maxEventAge: Duration.hours(24),
        retryAttempts: 185,
      }),
    );
  }
}
