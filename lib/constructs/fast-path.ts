/**
 * The fast path: rules on the account's default event bus that pick the high-signal CloudTrail
 * events out of everything CloudTrail sends there, into an encrypted queue the scorer drains
 * within seconds. The pattern is generated from the detector catalog (`lib/fast-path-pattern.ts`).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FastPathTriggers } from '../../lambdas/core/detectors/registry.ts';
import { FAST_PATH_RULE_DESCRIPTION } from '../../lambdas/core/event-pattern.ts';
import { fastPathPatterns } from '../fast-path-pattern.ts';
import { EventQueue } from './event-queue.ts';

/**
 * Rule state that also delivers read-only management events (Get*, List*, Describe*), which
 * EventBridge holds back from rules in the plain ENABLED state. The L2 Rule only knows
 * enabled/disabled, so it is set on the L1 resource.
 */
export const ALL_MANAGEMENT_EVENTS_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Props of FastPath. */
export interface FastPathProps {
  /** What the fast-path detectors read, from the detector catalog. */
  readonly triggers: FastPathTriggers;
  /** Customer-managed key of the queue and its dead-letter queue. */
  readonly key: kms.IKey;
  /** Where the dead-letter alarm goes. */
  readonly alarmTopic: sns.ITopic;
  /** Visibility timeout of the queue: at least six times the scorer's timeout. */
  readonly visibilityTimeout: Duration;
  /**
   * ARNs of Vigil's own roles: their calls never take the fast path, so a responder's IAM call
   * cannot feed back into scoring within seconds. They still reach the baselines by the bulk path.
   * @default - no role excluded
   */
  readonly excludedRoleArns?: readonly string[];
}

/** Default-bus rules for the fast-path events, into an encrypted queue with a DLQ. */
export class FastPath extends Construct {
  /** The queue the rules fill and the scorer drains. */
  readonly queue: EventQueue;
  /** One rule per pattern: usually one; more when the pattern outgrows EventBridge's size limit. */
  readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: FastPathProps) {
    super(scope, id);
    this.queue = new EventQueue(this, 'Events', {
      key: props.key,
      alarmTopic: props.alarmTopic,
      visibilityTimeout: props.visibilityTimeout,
      purpose: 'fast-path CloudTrail events',
    });
    const patterns = fastPathPatterns(props.triggers, { excludedRoleArns: props.excludedRoleArns ?? [] });
    this.rules = patterns.map((pattern, index) => {
      const { 'detail-type': detailType, ...rest } = pattern;
      const rule = new events.Rule(this, index === 0 ? 'Rule' : `Rule${index + 1}`, {
        description: FAST_PATH_RULE_DESCRIPTION,
        eventPattern: { detailType: detailType as string[], detail: rest.detail as Record<string, unknown> },
      });
      (rule.node.defaultChild as events.CfnRule).state = ALL_MANAGEMENT_EVENTS_STATE;
      rule.addTarget(
        new targets.SqsQueue(this.queue.queue, {
          deadLetterQueue: this.queue.deadLetterQueue,
          maxEventAge: Duration.hours(6),
          retryAttempts: 20,
        }),
      );
      return rule;
    });
  }
}
