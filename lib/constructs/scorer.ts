/**
 * The scorer: one Lambda function fed by both queues. Fast-path messages carry one CloudTrail event
 * each; bulk-path messages name a log file it reads whole from the trail bucket. Its permissions
 * are exactly what the handler calls: the state table's items, append-only access to the audit
 * table, PutEvents on Vigil's bus, and whatever the caller grants for the log files.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { acknowledge } from '../acknowledge.ts';
import { ROLE_ARN_MAX_LENGTH } from '../fast-path-pattern.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the handler finds the IP databases inside the bundle (copied there at bundling). */
export const GEO_BUNDLE_DIR = 'geo';

/** The IP database files the bundle carries, by npm package. */
const GEO_FILES = [
  'node_modules/@ip-location-db/asn/asn-ipv4-num.csv',
  'node_modules/@ip-location-db/asn/asn-ipv6.csv',
  'node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
];

/** Lambda refuses a function whose environment exceeds 4 KB. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** The longest a table or bus name CloudFormation generates can be, for sizing the environment. */
const DEPLOY_TIME_NAME_LENGTH = 256;

/** Props of Scorer. */
export interface ScorerProps {
  /** Validated configuration the handler scores with (passed in the environment). */
  readonly config: VigilConfig;
  /** Principal state, findings and processed log files. */
  readonly stateTable: dynamodb.ITableV2;
  /** The audit table, appended to. */
  readonly auditTable: dynamodb.ITableV2;
  /** Customer-managed key of the tables and queues. */
  readonly key: kms.IKey;
  /** Vigil's bus, for "Vigil Finding" events. */
  readonly bus: events.IEventBus;
  /** Where the error alarm goes. */
  readonly alarmTopic: sns.ITopic;
  /**
   * ARNs of Vigil's own roles: their findings are stored but never published, so a responder can
   * never start a playbook against Vigil. Resolved at synthesis, so roles created later count.
   * @default - none
   */
  readonly ownRoleArns?: () => readonly string[];
  /**
   * Concurrent executions reserved for the scorer, and its ceiling: fewer scorers contend less
   * for the same principals' state.
   * @default 5
   */
  readonly reservedConcurrency?: number;
  /** @default 1024 - MB; CPU grows with memory, and parsing gzipped log files is CPU-bound */
  readonly memorySize?: number;
  /** @default - 2 minutes: a batch of ten large log files */
  readonly timeout?: Duration;
}

/** How the scorer drains one queue. */
export interface ConsumeOptions {
  /** Messages per invocation. */
  readonly batchSize: number;
  /** How long Lambda gathers a batch before invoking. */
  readonly maxBatchingWindow: Duration;
  /** Invocations at once for this queue (2 or more), within the reserved concurrency. */
  readonly maxConcurrency: number;
}

/** The scorer Lambda function, its role, log group and alarms. */
export class Scorer extends Construct {
  /** The scorer function. */
  readonly function: nodejs.NodejsFunction;
  /** Its execution role: only the grants this construct and its callers add. */
  readonly role: iam.Role;
  /** Its log group: encrypted, kept a year. */
  readonly logGroup: logs.LogGroup;
  /** In alarm when an invocation failed as a whole (not a single message). */
  readonly errorsAlarm: cloudwatch.Alarm;
  private readonly alarmTopic: sns.ITopic;

  /** The role's inline policy, where every grant to the scorer lands: acknowledgements go here. */
  get defaultPolicy(): IConstruct {
    return this.role.node.findChild('DefaultPolicy');
  }

  constructor(scope: Construct, id: string, props: ScorerProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic;
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts the log group with the key, for this account's log groups only (naming
    // this log group would make the key depend on it, and it on the key).
    props.key.grantEncryptDecrypt(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`), {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      }),
    );

    // A role of our own: the default one attaches the AWSLambdaBasicExecutionRole managed policy,
    // which can write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Vigil scorer: reads CloudTrail, writes principal state, findings and audit records',
    });

    const environment: Record<string, string> = {
      STATE_TABLE_NAME: props.stateTable.tableName,
      AUDIT_TABLE_NAME: props.auditTable.tableName,
      EVENT_BUS_NAME: props.bus.eventBusName,
      VIGIL_CONFIG: JSON.stringify(props.config),
      OWN_ROLE_ARNS: Lazy.string({ produce: () => (props.ownRoleArns?.() ?? []).join(',') }),
      GEO_DIR: GEO_BUNDLE_DIR,
      NODE_OPTIONS: '--enable-source-maps',
    };

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'Vigil scorer: CloudTrail events in, principal state, findings and audit records out',
      entry: join(REPO_ROOT, 'lambdas', 'score-events', 'handler.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(2),
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      // No X-Ray: at the scorer's invocation rate the default sampling rule traces nearly every
      // invocation, which cost more than the rest of the fast path (npm run bench). Each batch
      // writes a structured log line and EMF metrics instead.
      tracing: lambda.Tracing.DISABLED,
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
      environment,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundled CommonJS dependencies call require(); ESM output has none of its own.
        banner:
          "import { createRequire as vigilCreateRequire } from 'node:module'; const require = vigilCreateRequire(import.meta.url);",
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/${GEO_BUNDLE_DIR}"`,
            ...GEO_FILES.map((file) => `cp "${inputDir}/${file}" "${outputDir}/${GEO_BUNDLE_DIR}/"`),
          ],
        },
      },
    });
    this.node.addValidation({
      validate: () => {
        const roles = props.ownRoleArns?.().length ?? 0;
        const size = Object.entries(environment).reduce((n, [name, value]) => {
          if (name === 'OWN_ROLE_ARNS') return n + name.length + roles * (ROLE_ARN_MAX_LENGTH + 1);
          return n + name.length + (Token.isUnresolved(value) ? DEPLOY_TIME_NAME_LENGTH : value.length);
        }, 0);
        return size > MAX_ENVIRONMENT_BYTES
          ? [
              `the scorer's environment is about ${size} bytes, over Lambda's ${MAX_ENVIRONMENT_BYTES}; the configuration is ${environment.VIGIL_CONFIG?.length} of them: expected a smaller configuration (fewer or shorter suppressions)`,
            ]
          : [];
      },
    });

    // Exactly the calls the adapters make: BatchGetItem and PutItem for principal state and
    // findings, PutItem and DeleteItem for the file ledger.
    props.stateTable.grant(this.function, 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    // Append-only: GetItem and Query read chain heads, PutItem appends (conditional on a new key).
    // On the table alone: table.grant() would add the indexes, which the scorer never reads.
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
      resourceArns: [props.auditTable.tableArn],
    });
    // Decrypt: messages, log files, items read; Encrypt and GenerateDataKey: items written.
    props.key.grant(this.function, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    props.bus.grantPutEventsTo(this.function);

    acknowledge(
      this.function,
      "X-Ray is off on purpose: at the scorer's invocation rate the default sampling rule traces nearly every invocation, which `npm run bench` measures at more than the rest of the fast path costs. Every batch writes a structured log line and Embedded Metric Format metrics (events, findings, conflicts, DynamoDB units), and alarms cover errors, lag and dead letters.",
      'Serverless-LambdaTracing',
    );
    acknowledge(
      this.defaultPolicy,
      'An inline policy on the scorer role alone, generated from the grants of the resources it uses; a managed policy would be a second, separately attachable copy of the same permissions.',
      'NIST.800.53.R5-IAMNoInlinePolicy',
    );
    acknowledge(
      this.function,
      "The scorer is invoked synchronously by SQS event source mappings; a function dead-letter queue only applies to asynchronous invocations. Messages that keep failing go to each queue's dead-letter queue, which alarms.",
      'Serverless-LambdaDLQ',
      'NIST.800.53.R5-LambdaDLQ',
    );
    acknowledge(
      this.function,
      'The scorer calls only AWS APIs (DynamoDB, S3, EventBridge) and holds no network-reachable resource. A VPC would need a NAT gateway or interface endpoints, dollars a day against a budget of cents, and would add no control that the IAM policy does not already give.',
      'NIST.800.53.R5-LambdaInsideVPC',
    );

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription:
        'Vigil: scorer invocations failed as a whole (not single messages). Read the scorer logs: the batch will be retried, then dead-lettered.',
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }

  /**
   * Drains `queue` with partial batch failures, and alarms when its oldest message is older than
   * `maxAge`: the scorer is falling behind.
   */
  consume(id: string, queue: sqs.IQueue, options: ConsumeOptions & { readonly maxAge: Duration }): void {
    this.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize,
        maxBatchingWindow: options.maxBatchingWindow,
        maxConcurrency: options.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    const mapping = this.function.node.findChild(`SqsEventSource:${Names.nodeUniqueId(queue.node)}`);
    acknowledge(
      mapping,
      "On-failure destinations exist for stream and Kafka event sources, not SQS: a message that keeps failing moves to the queue's own dead-letter queue (redrive policy), which alarms.",
      'Serverless-LambdaEventSourceMappingDestination',
    );
    const alarm = new cloudwatch.Alarm(this, `${id}BacklogAlarm`, {
      alarmDescription: `Vigil: the scorer is falling behind on the ${id} queue (oldest message over ${options.maxAge.toHumanString()}).`,
      metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: options.maxAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
  }
}
