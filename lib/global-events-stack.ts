/**
 * IAM, STS and console sign-in are global services: CloudTrail records their calls in us-east-1
 * only, so only us-east-1's default bus sees them. When Vigil runs in another region, this small
 * stack in us-east-1 forwards the fast-path events from there to the default bus of Vigil's
 * region, where the fast-path rule picks them up like local ones (and drops Vigil's own roles).
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FastPathTriggers } from '../lambdas/core/detectors/registry.ts';
import { acknowledge } from './acknowledge.ts';
import { ALL_MANAGEMENT_EVENTS_STATE } from './constructs/fast-path.ts';
import { fastPathPatterns } from './fast-path-pattern.ts';

/** The region where CloudTrail records global services' events. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** Props of GlobalEventsStack. */
export interface GlobalEventsStackProps extends StackProps {
  /** The CloudTrail events the fast path delivers, from the detector catalog. */
  readonly fastPathTriggers: FastPathTriggers;
  /** The region Vigil's main stack runs in. */
  readonly vigilRegion: string;
}

/** Forwards us-east-1's fast-path events to Vigil's region. */
export class GlobalEventsStack extends Stack {
  /** Forwarding rules, one per fast-path pattern. */
  readonly rules: readonly events.Rule[];
  /** Events EventBridge could not forward. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: GlobalEventsStackProps) {
    super(scope, id, props);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      "This queue is the forwarding rules' dead-letter queue (an EventBridge target DLQ, which the rules do not see); a queue behind it would hide the events it holds.",
      'AwsSolutions-SQS3',
      'Serverless-SQSRedrivePolicy',
    );
    const target = events.EventBus.fromEventBusArn(
      this,
      'VigilRegionDefaultBus',
      `arn:${this.partition}:events:${props.vigilRegion}:${this.account}:event-bus/default`,
    );
    this.rules = fastPathPatterns(props.fastPathTriggers).map((pattern, index) => {
      const { 'detail-type': detailType, detail } = pattern;
      const rule = new events.Rule(this, index === 0 ? 'Rule' : `Rule${index + 1}`, {
        description: `Vigil global events: fast-path CloudTrail events recorded in ${GLOBAL_EVENTS_REGION}, to ${props.vigilRegion}`,
        eventPattern: { detailType: detailType as string[], detail: detail as Record<string, unknown> },
      });
      (rule.node.defaultChild as events.CfnRule).state = ALL_MANAGEMENT_EVENTS_STATE;
      rule.addTarget(new targets.EventBus(target, { deadLetterQueue: this.deadLetterQueue }));
      const policy = rule.node.tryFindChild('EventsRole')?.node.tryFindChild('DefaultPolicy');
      if (policy) {
        acknowledge(
          policy,
          "The role EventBridge assumes to forward events; its inline policy allows events:PutEvents on Vigil's region's default bus and nothing else.",
          'NIST.800.53.R5-IAMNoInlinePolicy',
        );
      }
      return rule;
    });
  }
}
