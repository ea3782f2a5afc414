/**
 * An SQS queue that EventBridge feeds and the scorer drains, with its dead-letter queue: both
 * encrypted with Vigil's key, TLS only, and an alarm as soon as anything lands in the DLQ.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledge.ts';

/** Props of EventQueue. */
export interface EventQueueProps {
  /** Customer-managed key both queues are encrypted with. */
  readonly key: kms.IKey;
  /** At least six times the consumer's timeout plus its batching window, as Lambda advises. */
  readonly visibilityTimeout: Duration;
  /** Where the DLQ alarm goes. */
  readonly alarmTopic: sns.ITopic;
  /** Says what the queue carries, in the alarm description. */
  readonly purpose: string;
  /**
   * Receives before a message moves to the DLQ.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/** A queue, its dead-letter queue and the DLQ alarm. */
export class EventQueue extends Construct {
  /** The queue EventBridge sends to. */
  readonly queue: sqs.Queue;
  /** Messages the scorer failed `maxReceiveCount` times, and events EventBridge could not deliver. */
  readonly deadLetterQueue: sqs.Queue;
  /** In alarm while the DLQ holds a message. */
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'This is the dead-letter queue: a queue behind it would only move the messages out of sight of the alarm on this one.',
      'Serverless-SQSRedrivePolicy',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      // One data key per five minutes rather than per message: KMS requests are most of a queue's cost.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Vigil: ${props.purpose} that could not be scored are waiting in ${id}'s dead-letter queue. Read one, fix the cause, then redrive.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
