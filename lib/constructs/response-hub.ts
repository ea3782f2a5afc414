/**
 * Where findings go: Vigil's own event bus (the scorer publishes "Vigil Finding" events there), the
 * security team's SNS topic (encrypted with Vigil's key, TLS only), the Slack webhook secret, and
 * the playbooks that answer findings.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { acknowledge } from '../acknowledge.ts';
import { Playbooks } from './playbooks.ts';

/** Props of ResponseHub. */
export interface ResponseHubProps {
  /** Validated configuration: response modes, approvers, notification addresses, Slack secret. */
  readonly config: VigilConfig;
  /** Customer-managed key of the bus, the topic and the playbooks' data. */
  readonly key: kms.IKey;
  /** The state table: cases and the containment budget. */
  readonly stateTable: dynamodb.ITableV2;
  /** The audit table. */
  readonly auditTable: dynamodb.ITableV2;
}

/** Vigil's bus, topic, Slack secret reference and playbooks. */
export class ResponseHub extends Construct {
  /** Vigil's own bus: "Vigil Finding" events. */
  readonly bus: events.EventBus;
  /** The security team's topic: playbook notices and Vigil's operational alarms. */
  readonly topic: sns.Topic;
  /** The Slack webhook URL, when configured. */
  readonly slackWebhookSecret?: secretsmanager.ISecret;
  /** The response playbooks. */
  readonly playbooks: Playbooks;
  /** Notifications SNS could not deliver to a subscriber, when there are subscribers. */
  readonly undeliveredNotifications?: sqs.Queue;

  constructor(scope: Construct, id: string, props: ResponseHubProps) {
    super(scope, id);
    const { config, key } = props;
    const account = Stack.of(this).account;

    this.bus = new events.EventBus(this, 'Bus', {
      description: 'Vigil findings, for the playbooks',
      kmsKey: key,
    });

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Vigil',
      masterKey: key,
      enforceSSL: true,
    });
    // CloudWatch alarms publish to the encrypted topic: the service needs the key, for this account only.
    key.grant(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), {
        StringEquals: { 'aws:SourceAccount': account },
      }),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );

    if (config.response.notifyEmails.length > 0) {
      const undelivered = new sqs.Queue(this, 'UndeliveredNotifications', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(
        undelivered,
        "This queue is the dead-letter queue of the topic's email subscriptions (an SNS redrive policy, which the rule does not see); a queue behind it would hide failures from the operators who read it.",
        'AwsSolutions-SQS3',
        'Serverless-SQSRedrivePolicy',
      );
      // SNS moves undeliverable notifications here; it needs the queue's key to do so. (Naming the
      // topic in the key policy would make the key depend on the topic it encrypts.)
      key.grant(
        new iam.PrincipalWithConditions(new iam.ServicePrincipal('sns.amazonaws.com'), {
          StringEquals: { 'aws:SourceAccount': account },
        }),
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      );
      for (const email of config.response.notifyEmails) {
        this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: undelivered }));
      }
      this.undeliveredNotifications = undelivered;
    }

    const secretName = config.response.slackWebhookSecretName;
    if (secretName !== undefined) {
      this.slackWebhookSecret = secretsmanager.Secret.fromSecretNameV2(this, 'SlackWebhook', secretName);
    }

    this.playbooks = new Playbooks(this, 'Playbooks', {
      config,
      bus: this.bus,
      topic: this.topic,
      stateTable: props.stateTable,
      auditTable: props.auditTable,
      key,
      slackWebhookSecret: this.slackWebhookSecret,
    });
  }
}
