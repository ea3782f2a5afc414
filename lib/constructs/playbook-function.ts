/**
 * One playbook task's Lambda function: Node 24 on arm64, bundled with esbuild (never Docker),
 * with a role of its own (no managed policy), an encrypted log group kept a year, X-Ray tracing,
 * and an encrypted environment.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The playbook tasks with a Lambda function, by folder under `lambdas/`. */
export const PLAYBOOK_FUNCTIONS = [
  'respond-start',
  'respond-enrich',
  'respond-decide',
  'respond-notify',
  'respond-contain',
  'respond-record',
  'respond-release',
] as const;

/** A playbook function's folder. */
export type PlaybookFunctionName = (typeof PLAYBOOK_FUNCTIONS)[number];

/** Props of PlaybookFunction. */
export interface PlaybookFunctionProps {
  /** The handler's folder under `lambdas/`. */
  readonly name: PlaybookFunctionName;
  readonly description: string;
  /** Encrypts the environment and the log group. */
  readonly key: kms.IKey;
  readonly environment: Record<string, string>;
  /** @default - 30 seconds */
  readonly timeout?: Duration;
  /**
   * Where events go that the function failed on when invoked asynchronously.
   * @default - none: Step Functions invokes it synchronously, retrying and catching its errors
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** A playbook task's function, role and log group. */
export class PlaybookFunction extends Construct {
  /** The function. */
  readonly function: nodejs.NodejsFunction;
  /** Its role: only what the Playbooks construct grants. */
  readonly role: iam.Role;
  /** Its log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlaybookFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A role of our own: the default one attaches AWSLambdaBasicExecutionRole, which writes to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Vigil ${props.name}`,
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: props.description,
      entry: join(REPO_ROOT, 'lambdas', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      recursiveLoop: lambda.RecursiveLoop.TERMINATE,
      environmentEncryption: props.key,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
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
      },
    });
    // Environment variables and the tables are encrypted with the key; nothing else is asked of it.
    props.key.grant(this.role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments and PutTelemetryRecords have no resource types: * is the only resource IAM accepts',
      },
      {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'each function has a role of its own whose one policy is exactly its grants, deployed and removed with it; a managed policy would only detach that lifecycle',
      },
    );
    const inVpc =
      'the function calls only AWS APIs (IAM, DynamoDB, SNS, Step Functions, Secrets Manager) and IAM has no VPC endpoint; a VPC adds NAT cost and no protection';
    const concurrency =
      'a playbook step runs once per case step and the containment budget caps containments per hour; reserving concurrency would take from the account pool (new accounts have none to spare)';
    Validations.of(this.function).acknowledge(
      { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: inVpc },
      { id: 'NIST.800.53.R5-LambdaConcurrency', reason: concurrency },
    );
    if (!props.deadLetterQueue) {
      const sync =
        'Step Functions invokes this function synchronously: its Retry and Catch handle every failure, so an asynchronous dead-letter queue would never receive anything';
      Validations.of(this.function).acknowledge(
        { id: 'Serverless-LambdaDLQ', reason: sync },
        { id: 'NIST.800.53.R5-LambdaDLQ', reason: sync },
      );
    }
  }
}
