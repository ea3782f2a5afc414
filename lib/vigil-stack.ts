/**
 * Vigil in one stack: the trail it reads, the two ingest paths, the scorer, the state and audit
 * tables, and the response side (bus, topic, playbooks). See ../shared/DESIGN.md for the flow.
 */
import { CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { VigilConfig } from '../lambdas/core/config.ts';
import type { FastPathTriggers } from '../lambdas/core/detectors/registry.ts';
import { BulkPath } from './constructs/bulk-path.ts';
import { FastPath } from './constructs/fast-path.ts';
import { ResponseHub } from './constructs/response-hub.ts';
import { Scorer } from './constructs/scorer.ts';
import { TrailSource } from './constructs/trail-source.ts';
import { VigilTables } from './constructs/vigil-tables.ts';

/** Props of VigilStack. */
export interface VigilStackProps extends StackProps {
  /** Validated configuration. */
  readonly config: VigilConfig;
  /** The CloudTrail events the fast path delivers, from the detector catalog. */
  readonly fastPathTriggers: FastPathTriggers;
}

/** The scorer's timeout; the queues' visibility timeouts follow from it. */
const SCORER_TIMEOUT = Duration.minutes(2);
/** Lambda's advice: six times the function timeout, plus the longest batching window. */
const QUEUE_VISIBILITY = Duration.seconds(SCORER_TIMEOUT.toSeconds() * 6 + 30);

/** The IAM roles in `scope`'s stack, however they were made (L2 roles, custom resource providers). */
export const rolesIn = (scope: Construct): CfnResource[] =>
  Stack.of(scope)
    .node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::IAM::Role');

const arnOf = (role: CfnResource): string => Token.asString(role.getAtt('Arn'));

/** Vigil's main stack. */
export class VigilStack extends Stack {
  /** The configuration the stack was built from. */
  readonly config: VigilConfig;
  /** Vigil's key: tables, queues, topic, bus, logs and the trail it creates. */
  readonly key: kms.Key;
  readonly tables: VigilTables;
  readonly response: ResponseHub;
  readonly trailSource: TrailSource;
  readonly bulkPath: BulkPath;
  readonly scorer: Scorer;
  readonly fastPath: FastPath;

  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.key = new kms.Key(this, 'Key', {
      description: 'Vigil: encrypts CloudTrail logs, state, audit records, queues, findings and notifications',
      enableKeyRotation: true,
      alias: `alias/${this.stackName}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tables = new VigilTables(this, 'Tables', { key: this.key });
    this.response = new ResponseHub(this, 'Response', {
      config,
      key: this.key,
      stateTable: this.tables.stateTable,
      auditTable: this.tables.auditTable,
    });
    this.trailSource = new TrailSource(this, 'Trail', {
      trail: config.trail,
      sensitiveBuckets: config.sensitiveBuckets,
      key: this.key,
    });
    this.bulkPath = new BulkPath(this, 'BulkPath', {
      bucket: this.trailSource.bucket,
      key: this.key,
      alarmTopic: this.response.topic,
      visibilityTimeout: QUEUE_VISIBILITY,
    });
    this.scorer = new Scorer(this, 'Scorer', {
      config,
      stateTable: this.tables.stateTable,
      auditTable: this.tables.auditTable,
      key: this.key,
      bus: this.response.bus,
      alarmTopic: this.response.topic,
      timeout: SCORER_TIMEOUT,
      ownRoleArns: () => rolesIn(this).map(arnOf),
    });
    this.trailSource.grantReadLogs(this.scorer.function);
    // Up to 100 log files (about 50,000 events) an invocation: one state write per principal per
    // invocation is what DynamoDB charges for, so fewer, fuller batches cost less (npm run bench).
    this.scorer.consume('Bulk', this.bulkPath.queue.queue, {
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(180),
      maxConcurrency: 3,
      maxAge: Duration.minutes(30),
    });

    // Built last: its pattern excludes every role that exists by now.
    const excluded = rolesIn(this);
    this.fastPath = new FastPath(this, 'FastPath', {
      triggers: props.fastPathTriggers,
      key: this.key,
      alarmTopic: this.response.topic,
      visibilityTimeout: QUEUE_VISIBILITY,
      excludedRoleArns: excluded.map(arnOf),
    });
    // Five seconds keeps the fast path within seconds while one invocation takes every event of
    // those seconds: invocations, and principal-state writes, grow with batches, not events.
    this.scorer.consume('Fast', this.fastPath.queue.queue, {
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: 2,
      maxAge: Duration.minutes(5),
    });
    this.node.addValidation({
      validate: () => {
        const late = rolesIn(this).filter((role) => !excluded.includes(role));
        return late.map(
          (role) =>
            `role ${role.node.path} was created after the fast path, so the fast-path rule does not exclude it; expected every role to exist before FastPath is built`,
        );
      },
    });

    new CfnOutput(this, 'StateTableName', { value: this.tables.stateTable.tableName });
    new CfnOutput(this, 'AuditTableName', { value: this.tables.auditTable.tableName });
    new CfnOutput(this, 'TopicArn', { value: this.response.topic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: this.response.bus.eventBusName });
    new CfnOutput(this, 'TrailBucketName', { value: this.trailSource.bucket.bucketName });
    new CfnOutput(this, 'ScorerFunctionName', { value: this.scorer.function.functionName });
    new CfnOutput(this, 'ScorerRoleArn', { value: this.scorer.role.roleArn });
    // `vigil case approve|deny|release` reads these.
    new CfnOutput(this, 'ContainStateMachineArn', { value: this.response.playbooks.containPrincipal.stateMachineArn });
    new CfnOutput(this, 'ReleaseStateMachineArn', { value: this.response.playbooks.releasePrincipal.stateMachineArn });
  }
}
